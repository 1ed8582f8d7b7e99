package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(GochatSystem.class)
class HealthIT {

    private static final int PARALLEL_READS = 16;
    private static final int REPLAYS = 8;

    @Test
    void livenessIsUp() {
        Http.Response live = Http.get(GochatSystem.server().uri("/health/live"));
        assertEquals(200, live.status());
        assertEquals("UP", live.json().getString("status"));
    }

    @Test
    void readinessChecksTheDatabaseAndTheNotificationBus() {
        Http.Response ready = Http.get(GochatSystem.server().uri("/health/ready"));
        assertEquals(200, ready.status());
        Map<String, String> checks = ready.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(c -> c.getString("name"), c -> c.getString("status")));
        assertEquals("UP", checks.get("database"), checks.toString());
        assertEquals("UP", checks.get("notification-bus"), checks.toString());
    }

    /**
     * Readiness follows the database; once it is ready again, no request fails on a connection the
     * pool kept from before the restart: every history read and a member's replay succeed.
     */
    @Test
    void readinessFollowsTheDatabaseAndNothingFailsOnceItIsBack() throws Exception {
        LibertyServer server = GochatSystem.server();
        assertEquals(200, Http.get(server.uri("/health/ready")).status());
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket before = Chat.join(alice, room, 0);
        before.sendAndAwait("before the restart ", 1, 3);
        before.close();
        readHistoryTogether(alice, room); // the pool holds this many connections now
        replayEverywhere(alice, room); // and the send pool's threads have read replays

        GochatSystem.postgres().stop();
        try {
            Http.Response down = Http.get(server.uri("/health/ready"));
            assertEquals(503, down.status());
            assertEquals("DOWN", down.json().getString("status"));
        } finally {
            GochatSystem.postgres().start();
        }

        server.awaitReady(Duration.ofSeconds(30));
        Http.Response up = Http.get(server.uri("/health/ready"));
        assertEquals(200, up.status());
        assertEquals("UP", up.json().getString("status"));
        readHistoryTogether(alice, room);
        replayEverywhere(alice, room);
    }

    /**
     * A storing lane keeps its own connection and checks it only after a second unused; when the
     * database ends that connection sooner (a quick restart, an operator ending the backend), the next
     * round finds PostgreSQL's "terminating connection" in place of an answer. That proves the round
     * never ran, so it is stored on a new connection: the sender gets its message back, not "send it
     * again".
     */
    @Test
    void aMessageSentJustAfterTheDatabaseEndedTheStoringConnectionsIsStored() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket socket = Chat.join(alice, room, 0);
        socket.sendAndAwait("before ", 1, 1); // its lane's connection was used just now
        endStoringConnections();

        socket.send("after");
        JsonObject answer = socket.next(30_000);
        assertEquals("message", answer == null ? null : answer.getString("type"), String.valueOf(answer));
        assertEquals(2, answer.getJsonNumber("seq").longValueExact());
        assertEquals("after", answer.getString("content"));
        socket.close();
    }

    /** Ends the backends of the storing lanes' connections, as a restart would, and waits until they are gone. */
    private static void endStoringConnections() throws Exception {
        String lanes = "FROM pg_stat_activity WHERE application_name = 'gochat-store'";
        try (Connection c = GochatSystem.postgres().dataSource().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) " + lanes)) {
                rs.next();
                assertTrue(rs.getInt(1) > 0, "no storing connection to end");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) " + lanes)) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "the storing connections did not end");
                Thread.sleep(10);
            }
        }
    }

    /** Joins the room with since=0 several times, one after the other, so that every send thread replays; each gets seqs 1-3. */
    private static void replayEverywhere(User user, String room) throws InterruptedException {
        for (int i = 0; i < REPLAYS; i++) {
            ChatSocket s = Chat.join(user, room, 0);
            assertEquals(List.of(1L, 2L, 3L), Chat.seqs(s.next("message", 3, 10)), "replay " + i);
            s.close();
        }
    }

    /** Reads the room's history with many requests at once; each must answer 200 with its 3 messages. */
    private static void readHistoryTogether(User user, String room) throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(PARALLEL_READS);
        try {
            List<Future<List<JsonObject>>> reads = new ArrayList<>();
            for (int i = 0; i < PARALLEL_READS; i++) {
                reads.add(readers.submit(() -> Chat.history(user, room)));
            }
            for (Future<List<JsonObject>> read : reads) {
                assertEquals(3, read.get(30, TimeUnit.SECONDS).size());
            }
        } finally {
            readers.shutdownNow();
        }
    }
}
