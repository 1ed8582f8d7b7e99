package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser client at /chat/app/ in headless Chromium: two users, each in a browser profile of
 * their own, register, meet in a room and talk; one loses its connection, misses a message and
 * resumes; the other reloads the page; both log out. Skipped, never passed, where Chromium is not installed.
 */
@ExtendWith(GochatSystem.class)
class BrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    // Per test, not per class: failsafe counts a class-level assumption as neither run nor skipped.
    @BeforeEach
    void chromiumInstalled() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium is missing: install the packages chromium and chromium-driver");
    }

    @Test
    void twoUsersTalkInARoomAndAResumedClientMissesNothing() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        LibertyServer server = GochatSystem.server();
        // Alice reaches the server through a proxy that can cut her connections; Bob directly.
        try (TcpProxy network = new TcpProxy(server.httpPort);
             Browser alice = new Browser("alice", "http://localhost:" + network.port());
             Browser bob = new Browser("bob", "http://localhost:" + server.httpPort)) {

            alice.register("alice_" + run);
            bob.register("bob_" + run);

            String roomName = "Browsers " + run;
            alice.createRoom(roomName);
            bob.join(roomName);
            alice.awaitNote("bob_" + run + " joined");

            alice.send("hello from alice");
            bob.awaitMessages("hello from alice");
            String markup = "<img src=x onerror=alert(1)> <b>hi</b> from bob";
            bob.send(markup);
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("hello from alice", markup);
                assertEquals(List.of("alice_" + run, "bob_" + run), b.authors());
                assertEquals(0, b.driver.findElements(By.cssSelector("#messages img, #messages b")).size(),
                        "user content must show as text, never as markup");
            }

            // Alice's network fails; Bob talks meanwhile; when it is back, Alice resumes where she was.
            network.cut();
            alice.awaitConnection("connecting");
            bob.send("while you were away");
            bob.awaitMessages("hello from alice", markup, "while you were away");
            network.restore();
            alice.awaitConnection("open");
            alice.awaitMessages("hello from alice", markup, "while you were away");

            // Bob reloads the page: the room comes back from history, each message once.
            bob.driver.navigate().refresh();
            bob.awaitConnection("open");
            bob.awaitMessages("hello from alice", markup, "while you were away");

            alice.send("welcome back");
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("hello from alice", markup, "while you were away", "welcome back");
                assertTrue(b.seqsAscending(), "messages in seq order");
            }

            // Bob logs out in another tab: the server closes his socket (1008) and his page signs out.
            assertEquals(202, bob.fetchStatus("POST", "/auth/logout"));
            bob.visible("auth-view");
            assertEquals("You were signed out.", bob.driver.findElement(By.id("notice")).getText());

            // Alice logs out with the button: her cookie no longer opens anything.
            alice.driver.findElement(By.id("logout")).click();
            alice.visible("auth-view");
            assertEquals(401, alice.fetchStatus("GET", "/chat/ws/getRooms"));
        }
    }

    @Test
    void followingTheAuthorOfAChatMessageBringsTheirPostsIntoTheTimeline() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String origin = "http://localhost:" + GochatSystem.server().httpPort;
        try (Browser alice = new Browser("alice-posts", origin); Browser bob = new Browser("bob-posts", origin)) {
            alice.register("alice_p" + run);
            bob.register("bob_p" + run);
            alice.createRoom("Timeline " + run);
            bob.join("Timeline " + run);
            alice.send("follow me");
            bob.awaitMessages("follow me");

            // Bob follows Alice from her chat message.
            bob.driver.findElement(By.cssSelector("#messages .message button.follow")).click();
            bob.await("Unfollow shown", () -> "Unfollow".equals(
                    bob.driver.findElement(By.cssSelector("#messages .message button.follow")).getText()));

            alice.driver.findElement(By.linkText("Timeline")).click();
            alice.visible("timeline-view");
            alice.driver.findElement(By.cssSelector("#post-form textarea")).sendKeys("  my first post  ");
            alice.driver.findElement(By.cssSelector("#post-form button[type=submit]")).click();
            alice.await("own post in the feed", () -> List.of("my first post").equals(alice.posts()));

            bob.driver.findElement(By.linkText("Timeline")).click();
            bob.visible("timeline-view");
            bob.await("followed post in the feed", () -> List.of("my first post").equals(bob.posts()));
            assertEquals("alice_p" + run, bob.driver.findElement(By.cssSelector("#feed .post .author")).getText());

            // Unfollowing from the post: the next look at the feed no longer has it.
            bob.driver.findElement(By.cssSelector("#feed .post button.follow")).click();
            bob.await("Follow shown", () -> "Follow".equals(
                    bob.driver.findElement(By.cssSelector("#feed .post button.follow")).getText()));
            bob.driver.navigate().refresh();
            bob.visible("timeline-view");
            bob.await("feed without her post", () -> bob.posts().isEmpty()
                    && !bob.driver.findElements(By.cssSelector("#feed .empty")).isEmpty());
        }
    }

    /** One headless Chromium with a profile (cookies) of its own, on the client's page. */
    private static final class Browser implements AutoCloseable {

        final ChromeDriver driver;
        final WebDriverWait wait;
        final String name;

        Browser(String name, String origin) {
            this.name = name;
            Path profile = profileDir(name);
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=400,850",
                    "--user-data-dir=" + profile);
            // An explicit driver: nothing is looked up or downloaded.
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            driver = new ChromeDriver(service, options);
            wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
            driver.get(origin + "/chat/app/");
            visible("auth-view");
        }

        void register(String username) {
            WebElement form = driver.findElement(By.id("register-form"));
            form.findElement(By.name("username")).sendKeys(username);
            form.findElement(By.name("email")).sendKeys(username + "@example.org");
            form.findElement(By.name("password")).sendKeys("correct horse battery");
            form.findElement(By.cssSelector("button[type=submit]")).click();
            visible("rooms-view");
            await("signed in as " + username, () -> username.equals(driver.findElement(By.id("me")).getText()));
        }

        void createRoom(String roomName) {
            WebElement form = driver.findElement(By.id("create-room-form"));
            form.findElement(By.name("name")).sendKeys(roomName);
            form.findElement(By.cssSelector("button[type=submit]")).click();
            visible("room-view");
            awaitConnection("open");
        }

        void join(String roomName) {
            driver.findElement(By.id("refresh-rooms")).click();
            wait.until(d -> d.findElement(By.linkText(roomName))).click();
            visible("room-view");
            awaitConnection("open");
        }

        void send(String content) {
            driver.findElement(By.id("message-input")).sendKeys(content);
            driver.findElement(By.id("send")).click();
        }

        /** Waits until the room shows exactly these messages, in this order, each once. */
        void awaitMessages(String... expected) {
            await("messages " + List.of(expected), () -> List.of(expected).equals(texts(".message .content")));
        }

        void awaitNote(String note) {
            await("note " + note, () -> texts(".note").contains(note));
        }

        void awaitConnection(String state) {
            await("connection " + state, () -> state.equals(
                    driver.findElement(By.id("connection")).getDomAttribute("data-state")));
        }

        /** The status of a same-origin request from the page, as another tab of this browser would send it. */
        long fetchStatus(String method, String path) {
            return (Long) driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[1], {method: arguments[0], credentials: 'same-origin'}).then(r => done(r.status));",
                    method, path);
        }

        /** The contents of the posts in the timeline, in page order. */
        @SuppressWarnings("unchecked")
        List<String> posts() {
            return (List<String>) driver.executeScript(
                    "return [...document.querySelectorAll('#feed .post .content')].map(e => e.textContent);");
        }

        List<String> authors() {
            return texts(".message .author");
        }

        boolean seqsAscending() {
            return (Boolean) driver.executeScript("const s = [...document.querySelectorAll('#messages .message')]"
                    + ".map(m => Number(m.dataset.seq)); return s.every((v, i) => i === 0 || s[i - 1] < v);");
        }

        @SuppressWarnings("unchecked")
        private List<String> texts(String selector) {
            return (List<String>) driver.executeScript(
                    "return [...document.querySelectorAll('#messages ' + arguments[0])].map(e => e.textContent);",
                    selector);
        }

        private void visible(String view) {
            await(view + " shown", () -> driver.findElement(By.id(view)).isDisplayed());
        }

        private void await(String what, java.util.function.BooleanSupplier condition) {
            try {
                wait.until(d -> condition.getAsBoolean());
            } catch (TimeoutException e) {
                throw new AssertionError(name + ": no " + what + " within " + WAIT + "; page notice: '"
                        + driver.findElement(By.id("notice")).getText() + "', messages: "
                        + texts(".message .content") + ", connection: "
                        + driver.findElement(By.id("connection")).getText(), e);
            }
        }

        @Override
        public void close() {
            driver.quit();
        }

        private static Path profileDir(String name) {
            try {
                return Files.createTempDirectory(Files.createDirectories(Path.of("target/browsers").toAbsolutePath()), name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
