package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The auth service's routes over HTTP, status by status, as API.md promises them. */
@ExtendWith(GochatSystem.class)
class AuthIT {

    /** GOCHAT_LOGIN_MAX_FAILURES_PER_ACCOUNT of the system server: its default. */
    private static final int ACCOUNT_LIMIT = 10;

    @Test
    void registerCreatesTheAccountAndSignsItIn() {
        String name = unique();
        Http.Response r = register(name, name + "@Example.org", "correct horse");

        assertEquals(201, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals(Set.of("user", "token", "expiresAt"), body.keySet());
        JsonObject user = body.getJsonObject("user");
        assertEquals(Set.of("id", "username", "email"), user.keySet());
        assertEquals(name, user.getString("username"));
        assertEquals(name + "@Example.org", user.getString("email"));
        long id = user.getJsonNumber("id").longValueExact();
        assertEquals("/user/" + id, URI.create(r.header("Location")).getPath());
        assertExpiresInAboutAnHour(body.getString("expiresAt"));
        assertSessionCookie(r, body.getString("token"));
        assertFalse(r.body().contains("pbkdf2"), r.body());
    }

    @Test
    void loginAnswersTheSameShapeAndAFreshToken() {
        String name = unique();
        Http.Response registered = register(name, name + "@example.org", "correct horse");
        Http.Response r = login(name.toUpperCase() + "@EXAMPLE.org", "correct horse");

        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals(Set.of("user", "token", "expiresAt"), body.keySet());
        assertEquals(registered.json().getJsonObject("user"), body.getJsonObject("user"));
        assertExpiresInAboutAnHour(body.getString("expiresAt"));
        assertSessionCookie(r, body.getString("token"));
        assertFalse(body.getString("token").equals(registered.json().getString("token")));
    }

    @Test
    void wrongPasswordAndUnknownEmailGiveTheSame401() {
        String name = unique();
        register(name, name + "@example.org", "correct horse");

        Http.Response wrong = login(name + "@example.org", "wrong horse!");
        Http.Response unknown = login("nobody-" + name + "@example.org", "correct horse");

        assertProblem(wrong, 401);
        assertProblem(unknown, 401);
        assertEquals(wrong.body(), unknown.body());
        assertNull(wrong.header("Set-Cookie"));
    }

    @Test
    void failedLoginsAndTheHashingQueueAreMetrics() {
        assertProblem(login("nobody-" + unique() + "@example.org", "wrong horse"), 401);

        String metrics = GochatSystem.server().metrics("?scope=application");

        for (String name : List.of("gochat_logins_failed_total", "gochat_passwordHash_queueDepth", "gochat_logins_limited_total",
                "gochat_logins_slowed_total", "gochat_passwordHash_clientLimited_total")) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith(name + "{")), name + " in " + metrics);
        }
    }

    /**
     * Failures count for the account as the database identifies it: PostgreSQL's lower() folds the
     * capital I with a dot (U+0130) to "i", as the email's unique index does, where Java's
     * toLowerCase makes it two characters. Ten spellings that Java tells apart fail; the eleventh,
     * with the right password, is refused for the one account.
     */
    @Test
    void everySpellingOfAnEmailCountsForTheOneAccount() {
        String name = "iiii" + unique();
        assertEquals(201, register(name, name + "@example.org", "correct horse").status());
        List<String> spellings = spellings(name + "@example.org", ACCOUNT_LIMIT + 1);
        LoopbackClient client = LoopbackClient.fresh();

        for (String spelling : spellings.subList(0, ACCOUNT_LIMIT)) {
            assertProblem(client.login(GochatSystem.server(), spelling, "wrong horse!"), 401);
        }
        assertTooManyRequests(client.login(GochatSystem.server(), spellings.get(ACCOUNT_LIMIT), "correct horse"));
    }

    /** The same for an email nobody has: its spellings count together, as the database folds them. */
    @Test
    void everySpellingOfAnUnknownEmailCountsTogether() {
        List<String> spellings = spellings("iiii" + unique() + "@example.org", ACCOUNT_LIMIT + 1);
        LoopbackClient client = LoopbackClient.fresh();

        for (String spelling : spellings.subList(0, ACCOUNT_LIMIT)) {
            assertProblem(client.login(GochatSystem.server(), spelling, "wrong horse!"), 401);
        }
        assertTooManyRequests(client.login(GochatSystem.server(), spellings.get(ACCOUNT_LIMIT), "wrong horse!"));
    }

    /** An attempt counts before its password is hashed: of 20 concurrent guesses, the limit's worth get 401, the rest 429. */
    @Test
    void concurrentWrongPasswordsPastTheLimitGet429() throws Exception {
        String name = unique();
        assertEquals(201, register(name, name + "@example.org", "correct horse").status());
        LoopbackClient client = LoopbackClient.fresh();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return client.login(GochatSystem.server(), name + "@example.org", "wrong horse!");
                }));
            }
            go.countDown();
            int unauthorized = 0;
            for (Future<Http.Response> answer : answers) {
                Http.Response r = answer.get(60, TimeUnit.SECONDS);
                if (r.status() == 401) {
                    unauthorized++;
                } else {
                    assertTooManyRequests(r);
                }
            }
            assertEquals(ACCOUNT_LIMIT, unauthorized);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Strangers who fail from many addresses cannot lock the owner out: each address is refused after
     * its ten failures, and once the account has failed 50 times from all of them together its logins
     * are slowed down (by 3 s, the defaults), but the owner's right password still gets in.
     */
    @Test
    void strangersFailingFromManyAddressesSlowTheOwnerDownButCannotLockItOut() {
        String name = unique();
        String email = name + "@example.org";
        assertEquals(201, register(name, email, "correct horse").status());
        for (int stranger = 0; stranger < 5; stranger++) {
            LoopbackClient client = LoopbackClient.fresh();
            for (int i = 0; i < ACCOUNT_LIMIT; i++) {
                assertProblem(client.login(GochatSystem.server(), email, "wrong horse!"), 401);
            }
            assertTooManyRequests(client.login(GochatSystem.server(), email, "correct horse"));
        }

        long start = System.nanoTime();
        Http.Response owner = login(email, "correct horse");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(200, owner.status(), owner.body());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0, "the owner's login took " + took);
    }

    @Test
    void logoutRevokesTheTokenAndClearsTheCookie() {
        String name = unique();
        String token = register(name, name + "@example.org", "correct horse").json().getString("token");

        Http.Response r = Http.send(post("/auth/logout", null).header("Authorization", "Bearer " + token));

        assertEquals(202, r.status(), r.body());
        String cookie = r.header("Set-Cookie");
        assertTrue(cookie.startsWith("auth_token=;"), cookie);
        assertTrue(cookie.contains("Max-Age=0"), cookie);
        assertTrue(cookie.contains("Path=/"), cookie);
        assertProblem(Http.send(post("/auth/logout", null).header("Authorization", "Bearer " + token)), 401);
    }

    @Test
    void logoutAcceptsTheCookieAndNeedsAToken() {
        String name = unique();
        String token = register(name, name + "@example.org", "correct horse").json().getString("token");

        assertProblem(Http.send(post("/auth/logout", null)), 401);
        assertEquals(202, Http.send(post("/auth/logout", null).header("Cookie", "auth_token=" + token)).status());
        assertProblem(Http.send(post("/auth/logout", null).header("Cookie", "auth_token=" + token)), 401);
    }

    @Test
    void duplicateUsernameOrEmailIgnoringCaseIs409() {
        String name = unique();
        assertEquals(201, register(name, name + "@example.org", "correct horse").status());

        assertProblem(register(name.toUpperCase(), "other-" + name + "@example.org", "correct horse"), 409);
        assertProblem(register("o" + name, name.toUpperCase() + "@EXAMPLE.ORG", "correct horse"), 409);
    }

    @Test
    void concurrentDuplicateRegistrationsGiveOne201AndOtherwise409() throws Exception {
        String name = unique();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = pool.invokeAll(java.util.stream.IntStream.range(0, 6)
                    .<java.util.concurrent.Callable<Integer>>mapToObj(i -> () -> register(name, name + "@example.org",
                            "correct horse").status())
                    .toList());
            List<Integer> statuses = results.stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).sorted().toList();
            assertEquals(List.of(201, 409, 409, 409, 409, 409), statuses);
            assertNoIncidentReportOf("The username is taken.");
            assertNoIncidentReportOf("The email is already registered.");
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"username\":\"ab\",\"email\":\"a@example.org\",\"password\":\"correct horse\"}",
        "{\"username\":\"abcdefghijklmnopqrstuvwxyz0123456\",\"email\":\"a@example.org\",\"password\":\"correct horse\"}",
        "{\"username\":\"bad name\",\"email\":\"a@example.org\",\"password\":\"correct horse\"}",
        "{\"username\":\"good_name\",\"email\":\"not-an-email\",\"password\":\"correct horse\"}",
        "{\"username\":\"good_name\",\"email\":\"a@example.org\",\"password\":\"short\"}",
        "{\"username\":\"good_name\",\"email\":\"a@example.org\"}",
        "{\"username\":42,\"email\":\"a@example.org\",\"password\":\"correct horse\"}",
        "{\"username\":\"good_name\",\"email\":[\"a@example.org\"],\"password\":\"correct horse\"}",
        "{\"username\":\"good_name\",\"email\":\"a@example.org\",\"password\":null}",
        "[\"good_name\"]",
        "{\"username\":\"good_name\",",
        "not json",
        ""
    })
    void invalidRegistrationsAre400(String body) {
        Http.Response r = Http.send(post("/auth/register", body));
        assertProblem(r, 400);
    }

    @Test
    void tooLongEmailOrPasswordIs400() {
        String name = unique();
        assertProblem(register(name, "a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(59) + ".org", "correct horse"), 400);
        assertProblem(register(name, name + "@example.org", "p".repeat(129)), 400);
        assertEquals(201, register(name, name + "@example.org", "p".repeat(128)).status());
        assertProblem(login(name + "@example.org", "p".repeat(129)), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"email\":\"a@example.org\"}", "{\"email\":1,\"password\":\"x\"}", "{", ""})
    void invalidLoginsAre400(String body) {
        assertProblem(Http.send(post("/auth/login", body)), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/auth/register", "/auth/login"})
    void bodiesOver64KiBAre413(String path) {
        String big = "{\"username\":\"" + "x".repeat(64 * 1024) + "\"}";
        assertProblem(Http.send(post(path, big)), 413);
        String chunked = big;
        assertProblem(Http.send(HttpRequest.newBuilder(GochatSystem.server().uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(chunked.getBytes(java.nio.charset.StandardCharsets.UTF_8))))), 413);
    }

    /**
     * {@code count} spellings of an email with at least four 'i's, each 'i' written as 'i', 'I' or
     * U+0130, that Java's toLowerCase turns into {@code count} different strings.
     */
    static List<String> spellings(String email, int count) {
        List<String> spellings = new ArrayList<>();
        for (int mask = 0; spellings.size() < count; mask++) {
            StringBuilder spelling = new StringBuilder();
            int i = 0;
            for (char c : email.toCharArray()) {
                boolean dotted = c == 'i' && i < 4 && (mask >> i++ & 1) == 1;
                spelling.append(dotted ? '\u0130' : c == 'i' && mask % 2 == 0 ? 'I' : c);
            }
            spellings.add(spelling.toString());
        }
        assertEquals(count, spellings.stream().map(e -> e.toLowerCase(Locale.ROOT)).distinct().count(), spellings::toString);
        return spellings;
    }

    static void assertTooManyRequests(Http.Response r) {
        assertProblem(r, 429);
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= Duration.ofMinutes(15).toSeconds(), "Retry-After " + retryAfter);
    }

    /**
     * A refusal is an answer, not an incident: no report the server wrote during this run mentions it
     * (the server writes a report for the first exception of a kind only, so all of them are read).
     */
    private static void assertNoIncidentReportOf(String detail) throws IOException {
        long sinceMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        Path ffdc = GochatSystem.server().serverDir().resolve("logs/ffdc");
        if (Files.isDirectory(ffdc)) {
            try (Stream<Path> files = Files.list(ffdc)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toFile().lastModified() >= sinceMillis)::iterator) {
                    assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(detail), file + " reports a 409");
                }
            }
        }
    }

    static Http.Response register(String username, String email, String password) {
        return User.register(GochatSystem.server().uri(""), username, email, password);
    }

    static Http.Response login(String email, String password) {
        return Http.send(post("/auth/login", Json.createObjectBuilder()
                .add("email", email).add("password", password).build().toString()));
    }

    static String unique() {
        return "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static HttpRequest.Builder post(String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(GochatSystem.server().uri(path));
        return json == null ? b.POST(HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static void assertExpiresInAboutAnHour(String expiresAt) {
        Duration left = Duration.between(Instant.now(), Instant.parse(expiresAt));
        assertTrue(left.compareTo(Duration.ofMinutes(59)) > 0 && left.compareTo(Duration.ofMinutes(61)) < 0, expiresAt);
    }

    private static void assertSessionCookie(Http.Response r, String token) {
        String cookie = r.header("Set-Cookie");
        assertNotNull(cookie);
        Set<String> attributes = List.of(cookie.split(";")).stream().map(String::trim).collect(Collectors.toSet());
        assertTrue(attributes.contains("auth_token=" + token), cookie);
        assertTrue(attributes.contains("HttpOnly"), cookie);
        assertTrue(attributes.contains("SameSite=Strict"), cookie);
        assertTrue(attributes.contains("Path=/"), cookie);
        assertFalse(attributes.contains("Secure"), cookie); // plain HTTP here
    }
}
