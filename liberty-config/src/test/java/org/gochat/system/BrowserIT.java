package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser client at /chat/app/ in headless Chromium: two users, each in a browser profile of
 * their own, register, meet in a room and talk; one loses its connection, misses a message and
 * resumes; the other reloads the page; both log out. Then the layout at a desktop's and a phone's
 * width, a page change while the server cannot be reached, Follow and Unfollow, deleting a post,
 * day separators and grouping, an edit and a delete shown in place. Rooms with members: a private
 * room seen only by members, a member added by name, removed and told at once, a deleted room; a
 * direct conversation started from a name, unread badges that rise and clear, typing shown to the
 * other; edit and delete through the page, a search that jumps to an older message. Skipped, never
 * passed, where Chromium is not installed.
 */
@ExtendWith(GochatSystem.class)
class BrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int PHONE_WIDTH = 400;
    private static final int DESKTOP_WIDTH = 1280;

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
            alice.awaitBanner();
            bob.send("while you were away");
            bob.awaitMessages("hello from alice", markup, "while you were away");
            network.restore();
            alice.awaitConnection("open");
            assertFalse(alice.displayed("offline"), "the banner goes when the connection is back");
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
    void theRoomListStaysBesideTheConversationOnAWideScreenAndOnePaneShowsOnAPhone() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String origin = "http://localhost:" + GochatSystem.server().httpPort;
        // The longest name there is: the header gives it an ellipsis rather than a second line.
        String phoneUser = ("phone_with_a_long_name_" + run + "xxxxxxxx").substring(0, 32);
        try (Browser wide = new Browser("wide", origin, DESKTOP_WIDTH);
             Browser phone = new Browser("phone", origin, PHONE_WIDTH)) {
            wide.register("wide_" + run);
            phone.register(phoneUser);
            for (Browser b : List.of(wide, phone)) {
                b.assertHeaderOnOneLine();
                assertEquals("Rooms", b.currentPage());
            }

            // Desktop: the room opens beside the list, which marks it.
            wide.createRoom("Wide " + run);
            assertTrue(wide.displayed("rooms-view") && wide.displayed("room-view"), "both panes on a wide screen");
            Rectangle list = wide.rect("rooms-view");
            Rectangle conversation = wide.rect("room-view");
            assertTrue(list.x + list.width <= conversation.x, "the list left of the conversation: " + list + " " + conversation);
            assertEquals(List.of("Wide " + run), wide.markedRooms());
            wide.createRoom("Wide two " + run);
            assertEquals(List.of("Wide two " + run), wide.markedRooms());
            wide.driver.findElement(By.linkText("Wide " + run)).click();
            wide.awaitRoom("Wide " + run);
            assertEquals(List.of("Wide " + run), wide.markedRooms());
            wide.driver.findElement(By.linkText("Timeline")).click();
            wide.visible("timeline-view");
            assertEquals("Timeline", wide.currentPage());
            assertFalse(wide.displayed("rooms-view"));
            wide.assertHeaderOnOneLine();

            // Phone: the room list, then the room alone, then back to the list.
            phone.join("Wide " + run);
            assertFalse(phone.displayed("rooms-view"), "one pane on a phone");
            assertEquals("Rooms", phone.currentPage());
            phone.assertHeaderOnOneLine();
            phone.driver.findElement(By.id("leave-room")).click();
            phone.visible("rooms-view");
            assertFalse(phone.displayed("room-view"), "one pane on a phone");
        }
    }

    @Test
    void aPageChangeWhileTheServerIsUnreachableWaitsThereAndRecovers() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        LibertyServer server = GochatSystem.server();
        try (TcpProxy network = new TcpProxy(server.httpPort);
             Browser alice = new Browser("alice-offline", "http://localhost:" + network.port(), DESKTOP_WIDTH);
             Browser bob = new Browser("bob-offline", "http://localhost:" + server.httpPort, PHONE_WIDTH)) {
            alice.register("alice_o" + run);
            bob.register("bob_o" + run);
            alice.createRoom("First " + run);
            bob.createRoom("Second " + run);
            alice.driver.findElement(By.id("refresh-rooms")).click();
            alice.wait.until(d -> d.findElement(By.linkText("Second " + run)));

            // Offline, Alice opens another room: she stays in it, told that it is retried, until it loads.
            network.cut();
            alice.awaitBanner();
            alice.driver.findElement(By.linkText("Second " + run)).click();
            alice.await("the second room shown", () -> ("Second " + run).equals(alice.driver.findElement(By.id("room-title")).getText()));
            alice.awaitBanner();
            bob.send("said while you were offline");
            bob.awaitMessages("said while you were offline");
            network.restore();
            alice.awaitConnection("open");
            alice.awaitMessages("said while you were offline");
            assertFalse(alice.displayed("offline"), "the banner goes when the page has loaded");
            assertEquals("", alice.notice());
            assertEquals(List.of("Second " + run), alice.markedRooms());

            // The same for the timeline.
            network.cut();
            alice.driver.findElement(By.linkText("Timeline")).click();
            alice.visible("timeline-view");
            alice.awaitBanner();
            network.restore();
            alice.await("the feed loaded", () -> !alice.driver.findElements(By.cssSelector("#feed .empty")).isEmpty());
            alice.await("no banner", () -> !alice.displayed("offline"));
            assertEquals("", alice.notice());
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
            alice.send("and me too");
            bob.awaitMessages("follow me", "and me too");
            bob.send("hello");
            alice.awaitMessages("follow me", "and me too", "hello");
            alice.send("later");
            bob.awaitMessages("follow me", "and me too", "hello", "later");

            // As chat apps show them: one day separator, the name, time and Follow once per group.
            for (Browser b : List.of(alice, bob)) {
                assertEquals(List.of("Today"), b.visibleTexts("#messages .day"));
                assertEquals(List.of("alice_p" + run, "bob_p" + run, "alice_p" + run), b.visibleTexts("#messages .author"));
                assertEquals(3, b.visibleTexts("#messages time").size(), "a time per group");
                assertTrue(b.seqsAscending(), "messages in seq order");
            }
            assertEquals(List.of("Follow", "Follow"), bob.visibleTexts("#messages button.follow"));
            assertEquals(List.of("Follow"), alice.visibleTexts("#messages button.follow"));
            @SuppressWarnings("unchecked")
            List<String> labels = (List<String>) bob.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "import('./messages.js').then(m => { const now = new Date(2026, 0, 15, 0, 30);"
                    + " done([m.dayLabel(new Date(2026, 0, 15, 0, 1), now), m.dayLabel(new Date(2026, 0, 14, 23, 59), now),"
                    + " m.dayLabel(new Date(2026, 0, 12, 12, 0), now)]); });");
            assertEquals(List.of("Today", "Yesterday"), labels.subList(0, 2));
            assertTrue(labels.get(2).contains("12") && !labels.get(2).contains("2026"), "a date this year: " + labels.get(2));

            // Bob follows Alice from her chat message: a solid Follow becomes a quiet, outlined Unfollow.
            WebElement follow = bob.driver.findElement(By.cssSelector("#messages .message button.follow"));
            assertEquals("false", follow.getDomAttribute("aria-pressed"));
            String solid = follow.getCssValue("background-color");
            assertNotEquals("rgba(0, 0, 0, 0)", solid, "Follow is a solid button");
            follow.click();
            bob.await("Unfollow shown", () -> List.of("Unfollow", "Unfollow").equals(bob.visibleTexts("#messages button.follow")));
            assertEquals("true", follow.getDomAttribute("aria-pressed"));
            assertEquals("rgba(0, 0, 0, 0)", follow.getCssValue("background-color"), "Unfollow is outlined");

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

    @Test
    void anEditAndADeleteChangeTheMessageInPlace() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String origin = "http://localhost:" + GochatSystem.server().httpPort;
        try (Browser alice = new Browser("alice-edits", origin); Browser bob = new Browser("bob-edits", origin)) {
            alice.register("alice_e" + run);
            bob.register("bob_e" + run);
            alice.createRoom("Edits " + run);
            bob.join("Edits " + run);
            alice.send("frist");
            alice.send("second");
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("frist", "second");
            }
            String room = (String) alice.driver.executeScript("return decodeURIComponent(location.hash.slice('#room/'.length));");
            long first = (Long) alice.driver.executeScript("return Number(document.querySelector('#messages .message').dataset.seq);");
            String path = "/chat/ws/rooms/" + room + "/messages/" + first;

            // Live: the message changes where it is, marked edited; nothing is added.
            assertEquals(200, alice.fetchStatus("PATCH", path, "{\"content\":\"first\"}"));
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("first", "second");
                assertEquals(1, b.driver.findElements(By.cssSelector("#messages .message.edited")).size());
            }
            assertEquals(204, alice.fetchStatus("DELETE", path, null));
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("This message was deleted.", "second");
                assertEquals(1, b.driver.findElements(By.cssSelector("#messages .message.deleted")).size());
            }

            // From history (the message in its current state, then the edit and delete events): the same.
            bob.driver.navigate().refresh();
            bob.awaitConnection("open");
            bob.awaitMessages("This message was deleted.", "second");
            assertTrue(bob.seqsAscending(), "messages in seq order");
            bob.send("third");
            alice.awaitMessages("This message was deleted.", "second", "third");
        }
    }

    @Test
    void deletingAPostAsksFirst() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        try (Browser carol = new Browser("carol-posts", "http://localhost:" + GochatSystem.server().httpPort, PHONE_WIDTH)) {
            carol.register("carol_" + run);
            carol.driver.findElement(By.linkText("Timeline")).click();
            carol.visible("timeline-view");
            carol.driver.findElement(By.cssSelector("#post-form textarea")).sendKeys("think twice");
            carol.driver.findElement(By.cssSelector("#post-form button[type=submit]")).click();
            carol.await("own post in the feed", () -> List.of("think twice").equals(carol.posts()));

            // Delete asks; Cancel keeps the post, here and on the server.
            carol.driver.findElement(By.cssSelector("#feed button.delete-post")).click();
            carol.await("the question", () -> carol.driver.findElement(By.cssSelector("#feed .confirm-delete")).isDisplayed());
            assertTrue(carol.driver.findElement(By.cssSelector("#feed .confirm-delete")).getText().startsWith("Delete this post?"));
            assertEquals(List.of("Delete", "Cancel"), carol.visibleTexts("#feed .confirm-delete button"));
            assertEquals(List.of(), carol.visibleTexts("#feed button.delete-post"), "the first Delete gives way to the question");
            carol.driver.findElement(By.cssSelector("#feed button.cancel-delete")).click();
            carol.await("the question gone", () -> !carol.driver.findElement(By.cssSelector("#feed .confirm-delete")).isDisplayed());
            carol.driver.navigate().refresh();
            carol.visible("timeline-view");
            carol.await("the post kept", () -> List.of("think twice").equals(carol.posts()));

            // Delete, then Delete again: gone, here and after a reload.
            carol.driver.findElement(By.cssSelector("#feed button.delete-post")).click();
            carol.driver.findElement(By.cssSelector("#feed button.really-delete")).click();
            carol.await("the post gone", () -> carol.posts().isEmpty());
            carol.driver.navigate().refresh();
            carol.visible("timeline-view");
            carol.await("the feed without it", () -> !carol.driver.findElements(By.cssSelector("#feed .empty")).isEmpty());
            assertTrue(carol.posts().isEmpty());
        }
    }

    @Test
    void aPrivateRoomIsSeenOnlyByItsMembersAndARemovedMemberIsToldAtOnce() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String origin = "http://localhost:" + GochatSystem.server().httpPort;
        try (Browser alice = new Browser("alice-private", origin, DESKTOP_WIDTH);
             Browser bob = new Browser("bob-private", origin, DESKTOP_WIDTH)) {
            alice.register("alice_m" + run);
            bob.register("bob_m" + run);
            String open = "Open " + run;
            String secret = "Secret " + run;
            alice.createRoom(open);
            alice.createRoom(secret, "private");
            String secretId = alice.openRoomId();
            assertEquals(List.of("Private"), alice.visibleTexts("#my-rooms li:has(a[aria-current=page]) .kind"));

            // Bob sees the public room, not the private one, and the server answers him as for no room.
            bob.driver.findElement(By.id("refresh-rooms")).click();
            bob.await("the public room listed", () -> bob.roomList("public-rooms").contains(open));
            assertFalse(bob.roomList("public-rooms").contains(secret) || bob.roomList("my-rooms").contains(secret));
            assertEquals(404, bob.fetchStatus("GET", "/chat/ws/rooms/" + secretId + "/messages"));

            // Alice adds him by his name: the room appears in his sidebar without a reload.
            alice.addMember("bob_m" + run);
            alice.await("bob in the members panel", () -> alice.members().contains("bob_m" + run + " Member"));
            bob.await("the private room in his list", () -> bob.roomList("my-rooms").contains(secret));
            bob.driver.findElement(By.linkText(secret)).click();
            bob.awaitRoom(secret);
            alice.send("for members only");
            bob.awaitMessages("for members only");

            // A moderator's controls are not his: no add form, no remove buttons, but Leave.
            bob.driver.findElement(By.id("members-toggle")).click();
            bob.await("the members panel", () -> bob.members().size() == 2);
            assertFalse(bob.displayed("add-member-form"));
            assertEquals(List.of(), bob.visibleTexts("#members button.remove-member"));
            assertTrue(bob.displayed("leave-membership"));

            // Alice removes him: his open room says so and goes, and so does its entry in his list.
            alice.driver.findElement(By.cssSelector("#members li[data-user] button.remove-member")).click();
            bob.await("told of the removal", () -> "You were removed from this room.".equals(bob.notice()));
            bob.await("the room closed", () -> !bob.displayed("room-view"));
            bob.await("the room gone from his list", () -> !bob.roomList("my-rooms").contains(secret));
            assertEquals(404, bob.fetchStatus("GET", "/chat/ws/rooms/" + secretId + "/messages"));
            alice.await("bob gone from the panel", () -> alice.members().size() == 1);

            // Added again, he leaves by himself: the room goes without a word of removal.
            alice.addMember("bob_m" + run);
            bob.await("the private room back in his list", () -> bob.roomList("my-rooms").contains(secret));
            bob.driver.findElement(By.linkText(secret)).click();
            bob.awaitRoom(secret);
            bob.driver.findElement(By.id("members-toggle")).click();
            bob.visible("leave-membership");
            bob.driver.findElement(By.id("leave-membership")).click();
            bob.await("the room left", () -> !bob.displayed("room-view") && !bob.roomList("my-rooms").contains(secret));
            assertEquals("You left the room.", bob.notice());
            alice.await("bob gone from the panel again", () -> alice.members().size() == 1);

            // Added once more, then the room is deleted: his open room says so too (4404).
            alice.addMember("bob_m" + run);
            bob.await("the private room back in his list", () -> bob.roomList("my-rooms").contains(secret));
            bob.driver.findElement(By.linkText(secret)).click();
            bob.awaitRoom(secret);
            bob.awaitMessages("for members only");
            alice.driver.findElement(By.cssSelector("#members-panel button.delete-room")).click();
            alice.driver.findElement(By.cssSelector("#members-panel button.really-delete")).click();
            alice.await("her room gone", () -> !alice.roomList("my-rooms").contains(secret) && !alice.displayed("room-view"));
            bob.await("told of the deletion", () -> "This room was deleted.".equals(bob.notice()));
            bob.await("the room gone from his list", () -> !bob.roomList("my-rooms").contains(secret) && !bob.displayed("room-view"));
        }
    }

    @Test
    void aDirectConversationFromANameWithUnreadBadgesAndTyping() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String origin = "http://localhost:" + GochatSystem.server().httpPort;
        try (Browser alice = new Browser("alice-direct", origin, DESKTOP_WIDTH);
             Browser bob = new Browser("bob-direct", origin, DESKTOP_WIDTH)) {
            String lobby = "Lobby " + run;
            meet(alice, "alice_d" + run, bob, "bob_d" + run, lobby);
            bob.send("hi, I am bob");
            alice.awaitMessages("hi, I am bob");

            // Alice starts a direct conversation from Bob's name on his message.
            alice.driver.findElement(By.cssSelector("#messages .message button.author")).click();
            alice.awaitRoom("bob_d" + run);
            assertEquals(List.of("bob_d" + run), alice.markedRooms());

            // It appears in Bob's list; what Alice writes raises its badge, live.
            bob.await("the direct room in his list", () -> bob.roomList("my-rooms").contains("alice_d" + run));
            assertEquals("", bob.unread("alice_d" + run));
            alice.send("just between us");
            bob.await("one unread", () -> "1".equals(bob.unread("alice_d" + run)));
            alice.send("and this too");
            bob.await("two unread", () -> "2".equals(bob.unread("alice_d" + run)));
            assertEquals("", bob.unread(lobby), "the open room's messages are read");

            // Bob opens it: both messages, no badge, and his read marker moves to the end.
            bob.driver.findElement(By.linkText("alice_d" + run)).click();
            bob.awaitRoom("alice_d" + run);
            bob.awaitMessages("just between us", "and this too");
            String direct = bob.openRoomId();
            bob.await("no unread", () -> "".equals(bob.unread("alice_d" + run)));
            bob.await("his read marker moved", () -> bob.serverUnread(direct) == 0);
            // Back in the lobby, the direct room's badge stays away, and comes back for a new message.
            bob.driver.findElement(By.linkText(lobby)).click();
            bob.awaitRoom(lobby);
            assertEquals("", bob.unread("alice_d" + run));
            alice.send("one more");
            bob.await("one unread again", () -> "1".equals(bob.unread("alice_d" + run)));
            bob.driver.findElement(By.linkText("alice_d" + run)).click();
            bob.awaitRoom("alice_d" + run);
            bob.awaitMessages("just between us", "and this too", "one more");
            bob.await("his read marker moved again", () -> bob.serverUnread(direct) == 0);

            // Bob types: Alice sees it under the messages, and it clears a few seconds after he stops.
            bob.driver.findElement(By.id("message-input")).sendKeys("let me th");
            alice.await("typing shown", () -> ("bob_d" + run + " is typing…").equals(alice.text("typing")));
            assertEquals("", bob.text("typing"), "not to the typist");
            alice.await("typing cleared", () -> alice.text("typing").isEmpty());
            bob.driver.findElement(By.id("message-input")).sendKeys("ink");
            bob.driver.findElement(By.id("send")).click();
            alice.awaitMessages("just between us", "and this too", "one more", "let me think");
            alice.await("typing cleared by his message", () -> alice.text("typing").isEmpty());
        }
    }

    @Test
    void editDeleteAndASearchThatJumpsToTheMessage() {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String origin = "http://localhost:" + GochatSystem.server().httpPort;
        try (Browser alice = new Browser("alice-search", origin, DESKTOP_WIDTH);
             Browser bob = new Browser("bob-search", origin, DESKTOP_WIDTH)) {
            String room = "Lifecycle " + run;
            meet(alice, "alice_s" + run, bob, "bob_s" + run, room);
            alice.send("frist");
            alice.awaitMessages("frist");
            bob.send("bob was here");
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("frist", "bob was here");
            }

            // Alice edits her message in place: Edit, the text, Enter.
            // A message's actions show when the pointer is over it (on a screen without one, always).
            alice.hover("#messages .message.mine");
            alice.driver.findElement(By.cssSelector("#messages .message.mine button.edit-message")).click();
            WebElement field = alice.driver.findElement(By.cssSelector("#messages .edit-form input"));
            field.clear();
            field.sendKeys("first" + Keys.ENTER);
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("first", "bob was here");
                b.await("marked edited", () -> b.driver.findElements(By.cssSelector("#messages .message.edited")).size() == 1);
            }

            // Bob, a member, has Edit and Delete on his own message only; Alice, the owner, deletes his.
            assertEquals(List.of(), bob.visibleTexts("#messages .message:not(.mine) .actions button"));
            bob.hover("#messages .message:not(.mine)");
            assertEquals(List.of(), bob.visibleTexts("#messages .message:not(.mine) .actions button"));
            bob.hover("#messages .message.mine");
            assertEquals(List.of("Edit", "Delete"), bob.visibleTexts("#messages .message.mine .actions button"));
            alice.hover("#messages .message:not(.mine)");
            alice.driver.findElement(By.cssSelector("#messages .message:not(.mine) button.delete-message")).click();
            assertTrue(alice.driver.findElement(By.cssSelector("#messages .message:not(.mine) .confirm-delete")).getText()
                    .startsWith("Delete this message?"));
            alice.driver.findElement(By.cssSelector("#messages .message:not(.mine) button.really-delete")).click();
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("first", "This message was deleted.");
            }
            // And her own.
            alice.hover("#messages .message.mine");
            alice.driver.findElement(By.cssSelector("#messages .message.mine button.delete-message")).click();
            alice.driver.findElement(By.cssSelector("#messages .message.mine button.really-delete")).click();
            for (Browser b : List.of(alice, bob)) {
                b.awaitMessages("This message was deleted.", "This message was deleted.");
                assertEquals(List.of(), b.visibleTexts("#messages .actions button"), "nothing to do with a deleted message");
            }

            // A message older than the page a reload shows: the search finds it and jumps to it.
            bob.send("a needle in the haystack");
            alice.awaitMessages("This message was deleted.", "This message was deleted.", "a needle in the haystack");
            alice.sendThroughASocket(60, "filler");
            bob.await("the fillers", () -> bob.texts(".message .content").size() == 63);
            bob.driver.navigate().refresh();
            bob.awaitRoom(room);
            assertFalse(bob.texts(".message .content").contains("a needle in the haystack"), "not on the last page");
            bob.driver.findElement(By.id("search-input")).sendKeys("needle");
            bob.driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
            bob.await("one result", () -> bob.visibleTexts("#search-results .result-content").equals(List.of("a needle in the haystack")));
            assertEquals(room, bob.driver.findElement(By.cssSelector("#search-results .result-room")).getText());
            bob.driver.findElement(By.cssSelector("#search-results a")).click();
            bob.await("the message highlighted", () -> bob.visibleTexts("#messages .message.highlight .content")
                    .equals(List.of("a needle in the haystack")));
            assertTrue((Boolean) bob.driver.executeScript("const m = document.querySelector('#messages .message.highlight')"
                    + ".getBoundingClientRect(), l = document.getElementById('messages').getBoundingClientRect();"
                    + " return m.top >= l.top && m.bottom <= l.bottom;"), "scrolled into view");
            bob.awaitConnection("open");
            bob.await("everything after it, once", () -> bob.texts(".message .content").size() == 63);
            assertTrue(bob.seqsAscending());

            // In this room only: the same message.
            WebElement scope = bob.driver.findElement(By.id("search-scope"));
            new Select(scope).selectByValue("room");
            bob.driver.findElement(By.id("search-input")).clear();
            bob.driver.findElement(By.id("search-input")).sendKeys("haystack");
            bob.driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
            bob.await("the room's result", () -> bob.visibleTexts("#search-results .result-content").equals(List.of("a needle in the haystack"))
                    && bob.driver.findElement(By.id("search-title")).getText().equals("Results in " + room));

            // Far behind the room's end (over 200 newer events), the newer messages come page by page
            // until the rest is near enough to come live.
            alice.sendThroughASocket(250, "more");
            bob.await("the new ones", () -> bob.texts(".message .content").size() == 313);
            bob.driver.navigate().refresh();
            bob.awaitRoom(room);
            bob.driver.findElement(By.id("search-input")).sendKeys("needle");
            bob.driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
            bob.await("the result", () -> bob.visibleTexts("#search-results .result-content").equals(List.of("a needle in the haystack")));
            bob.driver.findElement(By.cssSelector("#search-results a")).click();
            bob.await("the message highlighted", () -> bob.visibleTexts("#messages .message.highlight .content")
                    .equals(List.of("a needle in the haystack")));
            bob.awaitConnection("behind");
            assertEquals(27, bob.texts(".message .content").size(), "the page around it");
            assertTrue(bob.displayed("load-newer"));
            bob.driver.findElement(By.id("load-newer")).click();
            bob.await("the next page", () -> bob.texts(".message .content").size() == 77);
            bob.awaitConnection("behind");
            bob.driver.findElement(By.id("load-newer")).click();
            bob.awaitConnection("open");
            bob.await("the rest, live", () -> bob.texts(".message .content").size() == 313);
            assertTrue(bob.seqsAscending(), "messages in seq order");
            assertFalse(bob.displayed("behind"));
        }
    }

    /** Two users register; the first creates a public room, the second joins it. */
    private static void meet(Browser first, String firstName, Browser second, String secondName, String roomName) {
        first.register(firstName);
        second.register(secondName);
        first.createRoom(roomName);
        second.join(roomName);
    }

    /** One headless Chromium with a profile (cookies) of its own, on the client's page. */
    private static final class Browser implements AutoCloseable {

        final ChromeDriver driver;
        final WebDriverWait wait;
        final String name;

        Browser(String name, String origin) {
            this(name, origin, PHONE_WIDTH);
        }

        /** A window this wide: a phone's (400) or a desktop's (1280). */
        Browser(String name, String origin, int width) {
            this.name = name;
            Path profile = profileDir(name);
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=" + width + ",850",
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
            awaitRoom(roomName);
        }

        /** A room created with the form, public or private. */
        void createRoom(String roomName, String visibility) {
            WebElement form = driver.findElement(By.id("create-room-form"));
            form.findElement(By.name("name")).sendKeys(roomName);
            form.findElement(By.cssSelector("input[name=visibility][value=" + visibility + "]")).click();
            form.findElement(By.cssSelector("button[type=submit]")).click();
            awaitRoom(roomName);
        }

        /** The names in one of the sidebar's lists: my-rooms (the inbox) or public-rooms (read at once: items come and go live). */
        @SuppressWarnings("unchecked")
        List<String> roomList(String list) {
            return (List<String>) driver.executeScript("return [...document.querySelectorAll('#' + arguments[0] + ' a[data-room]')]"
                    + ".map(a => a.textContent);", list);
        }

        /** The unread badge of one of the user's rooms ("" when none is shown). */
        String unread(String roomName) {
            return (String) driver.executeScript("const li = [...document.querySelectorAll('#my-rooms li')]"
                    + ".find(l => l.querySelector('a')?.textContent === arguments[0]);"
                    + " const badge = li?.querySelector('.unread'); return badge && !badge.hidden ? badge.textContent : '';", roomName);
        }

        /** How many messages of the room the server counts as unread for this user (its inbox). */
        long serverUnread(String roomId) {
            return (Long) driver.executeAsyncScript("const [room, done] = arguments;"
                    + "fetch('/chat/ws/inbox?limit=200', {credentials: 'same-origin'}).then(r => r.json())"
                    + ".then(entries => done(entries.find(e => e.room.id === room).unread));", roomId);
        }

        /** The open room's id, from the address. */
        String openRoomId() {
            return (String) driver.executeScript("return decodeURIComponent(location.hash.split('/')[1]);");
        }

        /** The members panel's entries: "name role" each ("name (you) role" for oneself). */
        @SuppressWarnings("unchecked")
        List<String> members() {
            return (List<String>) driver.executeScript("return [...document.querySelectorAll('#members li')].map(li =>"
                    + " li.querySelector('.member-name').textContent + ' ' + li.querySelector('.role').textContent);");
        }

        /** Adds a member to the open room by username, through the members panel. */
        void addMember(String username) {
            if (!displayed("members-panel")) {
                driver.findElement(By.id("members-toggle")).click();
            }
            visible("add-member-form");
            WebElement form = driver.findElement(By.id("add-member-form"));
            form.findElement(By.name("username")).sendKeys(username);
            form.findElement(By.cssSelector("button[type=submit]")).click();
        }

        /**
         * Sends this many messages ("prefix n") over a socket of its own to the open room, 100 a
         * second (the server's rate), and waits until all came back.
         */
        void sendThroughASocket(int count, String prefix) {
            driver.executeAsyncScript("const [room, count, prefix, done] = arguments;"
                    + "const ws = new WebSocket(`ws://${location.host}/chat/ws/joinRoom/${encodeURIComponent(room)}`);"
                    + "let back = 0;"
                    + "const from = (n) => { for (let i = n; i <= Math.min(count, n + 99); i++) ws.send(prefix + ' ' + i);"
                    + " if (n + 100 <= count) setTimeout(() => from(n + 100), 1100); };"
                    + "ws.onopen = () => from(1);"
                    + "ws.onmessage = (e) => { const m = JSON.parse(e.data);"
                    + " if (m.type === 'message' && m.content.startsWith(prefix) && ++back === count) { ws.close(); done(); } };",
                    openRoomId(), count, prefix);
        }

        /** Moves the pointer over the first element this selector finds. */
        void hover(String selector) {
            new Actions(driver).moveToElement(driver.findElement(By.cssSelector(selector))).perform();
        }

        /** The text of the element with this id. */
        String text(String id) {
            return driver.findElement(By.id(id)).getText();
        }

        void join(String roomName) {
            driver.findElement(By.id("refresh-rooms")).click();
            wait.until(d -> d.findElement(By.linkText(roomName))).click();
            awaitRoom(roomName);
        }

        /** Waits until this room is open (on a wide screen another one may have been open before). */
        void awaitRoom(String roomName) {
            visible("room-view");
            await("room " + roomName, () -> roomName.equals(driver.findElement(By.id("room-title")).getText()));
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

        /** The lost-connection banner, with the countdown to the next try. */
        void awaitBanner() {
            await("the banner 'Connection lost. Retrying in n s…'", () -> displayed("offline")
                    && driver.findElement(By.cssSelector("#offline [role=alert]")).getText().equals("Connection lost.")
                    && driver.findElement(By.id("offline-text")).getText().matches("Retrying in \\d+ s…"));
        }

        void awaitConnection(String state) {
            await("connection " + state, () -> state.equals(
                    driver.findElement(By.id("connection")).getDomAttribute("data-state")));
        }

        /** The status of a same-origin request from the page, as another tab of this browser would send it. */
        long fetchStatus(String method, String path) {
            return fetchStatus(method, path, null);
        }

        /** The same, with a JSON body (null: none). */
        long fetchStatus(String method, String path, String json) {
            return (Long) driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const init = {method: arguments[0], credentials: 'same-origin'};"
                    + "if (arguments[2] !== null) { init.body = arguments[2]; init.headers = {'Content-Type': 'application/json'}; }"
                    + "fetch(arguments[1], init).then(r => done(r.status));",
                    method, path, json);
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

        /** The texts of the elements this selector finds that are shown. */
        List<String> visibleTexts(String selector) {
            return driver.findElements(By.cssSelector(selector)).stream()
                    .filter(WebElement::isDisplayed).map(WebElement::getText).toList();
        }

        /** The rooms marked as open in the room list. */
        List<String> markedRooms() {
            return visibleTexts("#rooms a[aria-current=page]");
        }

        /** The page the header marks as the current one. */
        String currentPage() {
            List<String> marked = visibleTexts("header nav a[aria-current=page]");
            assertEquals(1, marked.size(), "one page marked: " + marked);
            return marked.get(0);
        }

        /** Every item of the header shares one line with the title. */
        void assertHeaderOnOneLine() {
            assertTrue((Boolean) driver.executeScript("const [title, ...rest] = [...document.querySelectorAll("
                    + "'.bar h1, #session nav a, #session .who, #logout')].map(e => e.getBoundingClientRect());"
                    + " return rest.every(r => r.top < title.bottom && r.bottom > title.top);"),
                    name + ": the header on one line");
        }

        boolean displayed(String id) {
            return driver.findElement(By.id(id)).isDisplayed();
        }

        Rectangle rect(String id) {
            return driver.findElement(By.id(id)).getRect();
        }

        String notice() {
            return driver.findElement(By.id("notice")).getText();
        }

        /** The texts of the elements this selector finds in the message list, shown or not. */
        @SuppressWarnings("unchecked")
        List<String> texts(String selector) {
            return (List<String>) driver.executeScript(
                    "return [...document.querySelectorAll('#messages ' + arguments[0])].map(e => e.textContent);",
                    selector);
        }

        void visible(String view) {
            await(view + " shown", () -> driver.findElement(By.id(view)).isDisplayed());
        }

        void await(String what, java.util.function.BooleanSupplier condition) {
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
