package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;
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
 * before. The second server hashes passwords on a single thread with a short queue, at a twelfth
 * of the production cost (so a login's time on a loaded machine is the queue's more than the
 * hash's), with the default number of hashes per client address, and has low login failure
 * limits, to show the limits at work.
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
        env.put("GOCHAT_PASSWORD_ITERATIONS", "50000");
        env.remove("GOCHAT_PASSWORD_HASHES_PER_CLIENT"); // the default
        env.put("GOCHAT_PASSWORD_HASH_THREADS", "1");
        env.put("GOCHAT_PASSWORD_HASH_QUEUE", "4");
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

    /** The auth counters exist from the start, at 0, before any login on this server. */
    @Test
    @Order(0)
    void theAuthCountersAreExportedFromTheStart() {
        String metrics = second.metrics("?scope=application");
        for (String name : List.of("gochat_logins_failed_total", "gochat_logins_limited_total", "gochat_logins_slowed_total",
                "gochat_passwordHash_clientLimited_total")) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith(name + "{") && l.endsWith(" 0.0")),
                    name + " at 0 in " + metrics);
        }
    }

    @Test
    @Order(1)
    void aServerThatStartsKnowsTheTokensRevokedBefore() {
        assertProblem(me(second, revokedBeforeStart), 401);
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
        assertProblem(r, 401);
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
     * Logins from 24 client addresses at once, more than the single hashing thread and its queue of 4
     * hold: some are turned away with 503 and the rest of the server keeps answering.
     */
    @Test
    @Order(4)
    void aFloodOfLoginsGets503WhileTheRestOfTheServerAnswers() throws Exception {
        String name = AuthIT.unique();
        assertEquals(201, register(second, name).status());
        ExecutorService clients = Executors.newFixedThreadPool(24);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Response>> flood = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                LoopbackClient client = LoopbackClient.fresh();
                flood.add(clients.submit(() -> {
                    go.await();
                    return client.login(second, name + "@example.org", "correct horse");
                }));
            }
            go.countDown();
            Thread.sleep(200);
            long start = System.nanoTime();
            Http.Response status = Http.get(second.uri("/auth/"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            int ok = 0;
            int busy = 0;
            for (Future<Http.Response> f : flood) {
                Http.Response r = f.get(60, TimeUnit.SECONDS);
                if (r.status() == 200) {
                    ok++;
                } else {
                    assertProblem(r, 503);
                    assertEquals("1", r.header("Retry-After"));
                    busy++;
                }
            }
            assertEquals(200, status.status());
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "GET /auth/ took " + took + " during the flood");
            assertTrue(ok >= 1, ok + " logins succeeded");
            assertTrue(busy >= 1, busy + " logins were turned away");
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * One address floods registrations of a taken email (each would cost a hash before its 409):
     * beyond its hashes in progress it gets 429 at once, and another client's login, queued ahead of
     * the flood's second hash, is answered within 2 s.
     */
    @Test
    @Order(5)
    void aRegistrationFloodFromOneAddressDoesNotKeepAnotherClientsLoginWaiting() throws Exception {
        String name = AuthIT.unique();
        assertEquals(201, register(second, name).status());
        LoopbackClient flooder = LoopbackClient.fresh();
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger limited = new AtomicInteger();
        Set<Integer> statuses = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(75);
        try {
            List<Future<?>> flood = new ArrayList<>();
            for (int i = 0; i < 75; i++) {
                flood.add(clients.submit(() -> {
                    while (flooding.get()) {
                        Http.Response r = flooder.register(second, "f" + AuthIT.unique(), name + "@example.org", "correct horse");
                        statuses.add(r.status());
                        if (r.status() == 429) {
                            AuthIT.assertTooManyRequests(r);
                            limited.incrementAndGet();
                        }
                        Thread.sleep(200);
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (limited.get() < 75) {
                assertTrue(System.nanoTime() < deadline, "the flood was never limited: " + statuses);
                Thread.sleep(10);
            }

            long start = System.nanoTime();
            Http.Response login = login(second, name + "@example.org", "correct horse");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            flooding.set(false);
            for (Future<?> f : flood) {
                f.get(60, TimeUnit.SECONDS);
            }

            assertEquals(200, login.status(), login.body());
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "the login took " + took + " during the flood");
            assertEquals(Set.of(409, 429), statuses, "the flood's answers");
        } finally {
            flooding.set(false);
            clients.shutdownNow();
        }
    }

    @Test
    @Order(6)
    void tooManyFailuresOfOneAccountFromOneAddressGet429ThereUntilTheWindowPasses() throws InterruptedException {
        String name = AuthIT.unique();
        String email = name + "@example.org";
        assertEquals(201, AuthIT.register(name, email, "correct horse").status());
        for (int i = 0; i < ACCOUNT_LIMIT; i++) {
            assertProblem(login(second, email, "wrong horse"), 401);
        }

        Http.Response limited = login(second, email.toUpperCase(), "correct horse");
        assertProblem(limited, 429);
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= WINDOW.toSeconds(), "Retry-After " + retryAfter);
        assertEquals(200, LoopbackClient.fresh().login(second, email, "correct horse").status(),
                "the account logs in from another address");

        Thread.sleep(Duration.ofSeconds(retryAfter).plusMillis(200).toMillis());
        assertEquals(200, login(second, email, "correct horse").status());
    }

    @Test
    @Order(7)
    void tooManyFailuresFromOneClientGet429ForEveryAccount() {
        // Another client address than the other tests': the IPv6 loopback.
        URI server = URI.create("http://[::1]:" + second.httpPort);
        String name = AuthIT.unique();
        assertEquals(201, AuthIT.register(name, name + "@example.org", "correct horse").status());
        for (int i = 0; i < CLIENT_LIMIT; i++) {
            assertProblem(login(server, "nobody-" + i + "-" + name + "@example.org", "wrong horse"), 401);
        }

        Http.Response limited = login(server, name + "@example.org", "correct horse");
        assertProblem(limited, 429);
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
        return User.register(server.uri(""), name, name + "@example.org", "correct horse");
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
