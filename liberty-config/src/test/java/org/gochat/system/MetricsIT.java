package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /metrics} carries the application's own figures, each from the service that knows it. */
@ExtendWith(GochatSystem.class)
class MetricsIT {

    /**
     * Every metric the README's operations section lists is exported as soon as the server is
     * ready, counters at zero, so dashboards and alerts work before the first event.
     */
    @Test
    void everyDocumentedMetricIsExportedFromTheStart() throws IOException {
        List<String> documented = documentedMetrics();
        assertTrue(documented.containsAll(List.of("gochat_logins_failed_total", "gochat_messages_stored_total")), documented.toString());
        assertEquals(200, GochatSystem.metricsAtStart().status());
        String atStart = GochatSystem.metricsAtStart().body();
        for (String name : documented) {
            double value = value(atStart, name);
            if (name.endsWith("_total")) {
                assertEquals(0, value, name + " at start");
            }
        }
    }

    /** The metric names (Prometheus) in the README's list under "Health, metrics, OpenAPI". */
    private static List<String> documentedMetrics() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        Matcher list = Pattern.compile("(?ms)^- `/metrics`.*?(?=^- |^#|\\z)").matcher(readme);
        assertTrue(list.find(), "README.md lists no metrics");
        return Pattern.compile("`(gochat_\\w+)`").matcher(list.group()).results().map(m -> m.group(1)).distinct().toList();
    }

    @Test
    void theChatFiguresAreExported() throws InterruptedException {
        Chat.Alone alone = Chat.aloneInANewRoom();
        try {
            alone.socket().sendAndAwait("counted ", 1, 1); // stored, then delivered back to its sender

            String metrics = applicationMetrics();
            assertTrue(value(metrics, "gochat_ws_sessions") >= 1, metrics);
            assertTrue(value(metrics, "gochat_messages_stored_total") >= 1, metrics);
            assertTrue(value(metrics, "gochat_messages_delivered_total") >= 1, metrics);
            assertTrue(value(metrics, "gochat_ws_slowConsumersClosed_total") >= 0, metrics);
            assertTrue(value(metrics, "gochat_ws_rooms") >= 1, metrics);
            assertTrue(value(metrics, "gochat_ws_sendThreads") >= 1, metrics); // a send ran (the pool starts threads as sends come)
            assertTrue(value(metrics, "gochat_ws_connectionsRefused_total") >= 0, metrics);
            assertTrue(value(metrics, "gochat_ws_rateLimited_total") >= 0, metrics);
            assertTrue(value(metrics, "gochat_rooms_createLimited_total") >= 0, metrics);
        } finally {
            alone.socket().close();
        }
    }

    @Test
    void theAuthFiguresAreExported() {
        String name = AuthIT.unique();
        AuthIT.register(name, name + "@example.org", "correct horse");
        assertEquals(401, AuthIT.login(name + "@example.org", "wrong horse!").status());

        String metrics = applicationMetrics();
        assertTrue(value(metrics, "gochat_logins_failed_total") >= 1, metrics);
        assertTrue(value(metrics, "gochat_passwordHash_queueDepth") >= 0, metrics);
    }

    /** Refusals by a limit on request bodies, in every service, and of WebSocket messages over 16 KiB, are counted. */
    @Test
    void theLimitsAreCounted() throws Exception {
        String before = applicationMetrics();
        String deep = "[".repeat(40) + "]".repeat(40);
        assertEquals(400, Http.send(AuthIT.post("/auth/login", "{\"email\":" + deep + "}")).status());
        assertEquals(413, Http.send(AuthIT.post("/auth/login", "{\"email\":\"" + "x".repeat(64 * 1024) + "\"}")).status());
        Chat.Alone alone = Chat.aloneInANewRoom();
        alone.socket().send("x".repeat(16 * 1024 + 1)); // refused from the frame's header
        assertEquals(1009, alone.socket().closeCode(10));
        ChatSocket inParts = Chat.join(alone.user(), alone.room(), 0);
        inParts.sendPart("x".repeat(16 * 1024), false);
        inParts.sendPart("x", true);
        assertEquals(1009, inParts.closeCode(10));

        String after = applicationMetrics();
        assertEquals(sum(before, "gochat_requests_refused_total", "limit=\"json_depth\"") + 1,
                sum(after, "gochat_requests_refused_total", "limit=\"json_depth\""), after);
        assertEquals(sum(before, "gochat_requests_refused_total", "limit=\"body_size\"") + 1,
                sum(after, "gochat_requests_refused_total", "limit=\"body_size\""), after);
        assertEquals(sum(before, "gochat_ws_messagesTooLarge_total", "") + 2,
                sum(after, "gochat_ws_messagesTooLarge_total", ""), after);
    }

    /** Token checks are counted: a new token's first check verifies it (a miss), the next finds it verified (a hit). */
    @Test
    void tokenChecksAreCountedAndATokenCheckedBeforeIsAHit() {
        User user = User.register(GochatSystem.server().uri(""));
        String before = applicationMetrics();
        for (int i = 0; i < 3; i++) {
            Http.Response me = Http.send(HttpRequest.newBuilder(GochatSystem.server().uri("/user/me"))
                    .header("Authorization", "Bearer " + user.token()));
            assertEquals(200, me.status(), me.body());
        }
        String after = applicationMetrics();
        assertEquals(sum(before, "gochat_tokens_checked_total", "cache=\"miss\"") + 1,
                sum(after, "gochat_tokens_checked_total", "cache=\"miss\""), after);
        assertEquals(sum(before, "gochat_tokens_checked_total", "cache=\"hit\"") + 2,
                sum(after, "gochat_tokens_checked_total", "cache=\"hit\""), after);
    }

    /** The sum of a metric's series whose tags contain {@code tag}, in every application. */
    private static double sum(String metrics, String name, String tag) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*mp_scope=\"application\"[^}]*)\\} (\\S+)$")
                .matcher(metrics);
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains(tag)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** The application's metrics, in the Prometheus text (read as the administrator). */
    static String applicationMetrics() {
        return GochatSystem.server().metrics("?scope=application");
    }

    static Http.Response applicationMetrics(LibertyServer server) {
        return server.metricsAnswer("?scope=application");
    }

    /** The value of a metric in the Prometheus text, failing when it is absent. */
    static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*mp_scope=\"application\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertTrue(m.find(), () -> name + " is not in " + metrics);
        return Double.parseDouble(m.group(1));
    }
}
