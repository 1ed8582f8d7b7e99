package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.json.Json;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A second server on the system's database with the same token key: tokens pass between the two,
 * a logout on one reaches the other within 2 s, and a server that starts knows what was revoked
 * before. The second server hashes passwords at the production cost on a single slot with a short
 * queue, and has low login failure limits, to show both limits at work.
 */
@ExtendWith(GochatSystem.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecondServerIT {

    private static final int ACCOUNT_LIMIT = 3;
    private static final int CLIENT_LIMIT = 5;
    private static final Duration WINDOW = Duration.ofSeconds(30);

    private static LibertyServer second;
    private static String revokedBeforeStart;

    @BeforeAll
    static void startSecondServer() {
        String name = AuthIT.unique();
        revokedBeforeStart = AuthIT.register(name, name + "@example.org", "correct horse").json().getString("token");
        assertEquals(202, logout(GochatSystem.server(), revokedBeforeStart).status());

        Map<String, String> env = new HashMap<>(GochatSystem.environment(GochatSystem.postgres()));
        env.remove("GOCHAT_PASSWORD_ITERATIONS"); // the production default
        env.put("GOCHAT_PASSWORD_HASH_THREADS", "1");
        env.put("GOCHAT_PASSWORD_HASH_QUEUE", "2");
        env.put("GOCHAT_LOGIN_MAX_FAILURES_PER_ACCOUNT", Integer.toString(ACCOUNT_LIMIT));
        env.put("GOCHAT_LOGIN_MAX_FAILURES_PER_CLIENT", Integer.toString(CLIENT_LIMIT));
        env.put("GOCHAT_LOGIN_FAILURE_WINDOW", WINDOW.toString());
        second = new LibertyServer("gochat-it-second", env).start();
    }

    @AfterAll
    static void stopSecondServer() {
        if (second != null) {
            second.stop();
        }
    }

    @Test
    @Order(1)
    void aServerThatStartsKnowsTheTokensRevokedBefore() {
        AuthIT.assertUnauthorized(me(second, revokedBeforeStart));
    }

    @Test
    @Order(2)
    void aLogoutOnOneServerIsRejectedByTheOtherWithinTwoSeconds() throws InterruptedException {
        String name = AuthIT.unique();
        String token = AuthIT.register(name, name + "@example.org", "correct horse").json().getString("token");
        assertEquals(200, me(second, token).status(), "a token of the first server passes on the second");

        assertEquals(202, logout(GochatSystem.server(), token).status());
        long revokedAt = System.nanoTime();
        Http.Response r = me(second, token);
        while (r.status() != 401 && System.nanoTime() - revokedAt < Duration.ofSeconds(3).toNanos()) {
            Thread.sleep(20);
            r = me(second, token);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - revokedAt);
        AuthIT.assertUnauthorized(r);
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "rejected after " + took);
    }

    @Test
    @Order(3)
    void aTokenOfTheSecondServerPassesOnTheFirst() {
        String name = AuthIT.unique();
        assertEquals(201, AuthIT.register(name, name + "@example.org", "correct horse").status());
        Http.Response login = login(second, name + "@example.org", "correct horse");
        assertEquals(200, login.status(), login.body());
        assertEquals(200, me(GochatSystem.server(), login.json().getString("token")).status());
    }

    /**
     * Over HTTP/1.1, as browsers speak plain HTTP: Liberty's own h2c upgrade handling can stall
     * under many simultaneous upgrade requests, which is not what this test is about.
     */
    @Test
    @Order(4)
    void aFloodOfLoginsGets503WhileTheRestOfTheServerAnswers() throws Exception {
        String name = AuthIT.unique();
        assertEquals(201, register(second, name).status()); // hashed at the production cost
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest login = HttpRequest.newBuilder(second.uri("/auth/login")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder()
                        .add("email", name + "@example.org").add("password", "correct horse").build().toString()))
                .build();
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            flood.add(http11.sendAsync(login, HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(200);
        long start = System.nanoTime();
        HttpResponse<String> status = http11.send(HttpRequest.newBuilder(second.uri("/auth/")).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        int ok = 0;
        int busy = 0;
        for (CompletableFuture<HttpResponse<String>> f : flood) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                AuthIT.assertProblem(new Http.Response(r.statusCode(), r.headers(), r.body()), 503);
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
                busy++;
            }
        }
        assertEquals(200, status.statusCode());
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "GET /auth/ took " + took + " during the flood");
        assertTrue(ok >= 1, ok + " logins succeeded");
        assertTrue(busy >= 1, busy + " logins were turned away");
    }

    @Test
    @Order(5)
    void tooManyFailuresForOneAccountGet429UntilTheWindowPasses() throws InterruptedException {
        String name = AuthIT.unique();
        String email = name + "@example.org";
        assertEquals(201, AuthIT.register(name, email, "correct horse").status());
        for (int i = 0; i < ACCOUNT_LIMIT; i++) {
            AuthIT.assertProblem(login(second, email, "wrong horse"), 401);
        }

        Http.Response limited = login(second, email.toUpperCase(), "correct horse");
        AuthIT.assertProblem(limited, 429);
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= WINDOW.toSeconds(), "Retry-After " + retryAfter);

        Thread.sleep(Duration.ofSeconds(retryAfter).plusMillis(200).toMillis());
        assertEquals(200, login(second, email, "correct horse").status());
    }

    @Test
    @Order(6)
    void tooManyFailuresFromOneClientGet429ForEveryAccount() {
        // Another client address than the other tests': the IPv6 loopback.
        URI server = URI.create("http://[::1]:" + second.httpPort);
        String name = AuthIT.unique();
        assertEquals(201, AuthIT.register(name, name + "@example.org", "correct horse").status());
        for (int i = 0; i < CLIENT_LIMIT; i++) {
            AuthIT.assertProblem(login(server, "nobody-" + i + "-" + name + "@example.org", "wrong horse"), 401);
        }

        Http.Response limited = login(server, name + "@example.org", "correct horse");
        AuthIT.assertProblem(limited, 429);
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= WINDOW.toSeconds(), "Retry-After " + retryAfter);
        assertEquals(200, login(second, name + "@example.org", "correct horse").status(), "other clients may log in");
    }

    private static Http.Response me(LibertyServer server, String token) {
        return Http.send(HttpRequest.newBuilder(server.uri("/user/me")).header("Authorization", "Bearer " + token).GET());
    }

    private static Http.Response logout(LibertyServer server, String token) {
        return Http.send(HttpRequest.newBuilder(server.uri("/auth/logout")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static Http.Response register(LibertyServer server, String name) {
        return Http.send(HttpRequest.newBuilder(server.uri("/auth/register")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder().add("username", name)
                        .add("email", name + "@example.org").add("password", "correct horse").build().toString())));
    }

    private static Http.Response login(LibertyServer server, String email, String password) {
        return login(server.uri(""), email, password);
    }

    private static Http.Response login(URI server, String email, String password) {
        return Http.send(HttpRequest.newBuilder(server.resolve("/auth/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder()
                        .add("email", email).add("password", password).build().toString())));
    }
}
