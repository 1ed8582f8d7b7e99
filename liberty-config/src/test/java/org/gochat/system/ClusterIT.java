package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two GoChat servers on one PostgreSQL form one chat service: the system's server ("a") and a
 * second one ("b") with the same database and signing key. The last test kills b.
 */
@ExtendWith(GochatSystem.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private LibertyServer a;
    private LibertyServer b;
    private boolean bKilled;

    @BeforeAll
    void startSecondServer() {
        a = GochatSystem.server();
        Map<String, String> env = new HashMap<>(GochatSystem.environment(GochatSystem.postgres()));
        env.put("GOCHAT_NODE_ID", "gochat-it-b");
        b = new LibertyServer("gochat-it-b", env).start();
    }

    @AfterAll
    void stopSecondServer() {
        if (b != null && !bKilled) {
            b.stop();
        }
    }

    @Test
    @Order(1)
    void aMessageSentOnEitherServerReachesEveryMemberInOneSeqOrder() throws Exception {
        List<User> users = List.of(Chat.register(a), Chat.register(a), Chat.register(b), Chat.register(b));
        String room = Chat.createRoom(a, users.get(0));
        List<ChatSocket> sockets = List.of(Chat.join(a, users.get(0), room, 0), Chat.join(a, users.get(1), room, 0),
                Chat.join(b, users.get(2), room, 0), Chat.join(b, users.get(3), room, 0));

        int each = 25;
        for (int k = 0; k < each; k++) {
            for (int i = 0; i < sockets.size(); i++) {
                sockets.get(i).send("m-" + i + "-" + k);
            }
        }

        int total = each * sockets.size();
        List<String> first = null;
        for (ChatSocket s : sockets) {
            List<JsonObject> got = s.next("message", total, 30);
            assertEquals(total, got.size(), "every member receives every message");
            assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), Chat.seqs(got), "gapless, ascending, once");
            List<String> contents = got.stream().map(m -> m.getString("content")).toList();
            if (first == null) {
                first = contents;
            } else {
                assertEquals(first, contents, "the same order on both servers");
            }
            s.close();
        }
        for (int i = 0; i < sockets.size(); i++) {
            for (int k = 0; k < each; k++) {
                assertTrue(first.contains("m-" + i + "-" + k));
            }
        }
    }

    @Test
    @Order(2)
    void getClientsAndGetRoomsCountEveryServersUsersOnce() throws Exception {
        User x = Chat.register(a);
        User y = Chat.register(b);
        String room = Chat.createRoom(a, x);
        List<ChatSocket> sockets = List.of(Chat.join(a, x, room, -1), Chat.join(b, x, room, -1), Chat.join(b, y, room, -1));

        Set<Long> expected = Set.of(x.id(), y.id());
        for (LibertyServer server : List.of(a, b)) {
            assertEquals(expected, eventually(() -> clientIds(server, x, room), expected::equals, Duration.ofSeconds(5)));
            long counted = Chat.get(server, "/chat/ws/getRooms", x).jsonArray().stream()
                    .map(JsonValue::asJsonObject)
                    .filter(r -> r.getString("id").equals(room))
                    .findFirst().orElseThrow().getJsonNumber("clients").longValueExact();
            assertEquals(2, counted);
        }
        sockets.forEach(ChatSocket::close);
    }

    @Test
    @Order(3)
    void aTokenIssuedByOneServerIsAcceptedByTheOther() {
        User u = Chat.register(a);
        Http.Response me = Chat.get(b, "/user/me", u);
        assertEquals(200, me.status(), me.body());
        assertEquals(u.id(), me.json().getJsonNumber("id").longValueExact());
    }

    @Test
    @Order(4)
    void logoutOnOneServerClosesTheUsersSocketsOnTheOtherWithin2Seconds() throws Exception {
        User u = Chat.register(a);
        String room = Chat.createRoom(a, u);
        ChatSocket onB = Chat.join(b, u, room, -1);

        Http.Response logout = Http.send(HttpRequest.newBuilder(a.uri("/auth/logout"))
                .header("Authorization", "Bearer " + u.token()).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(202, logout.status());

        assertEquals(1008, onB.closeCode(2));
        assertEquals(401, Chat.get(b, "/user/me", u).status());
    }

    @Test
    @Order(5)
    void deletingTheAccountOnOneServerClosesItsSocketsOnTheOtherWithin2Seconds() throws Exception {
        User u = Chat.register(a);
        String room = Chat.createRoom(a, u);
        ChatSocket onB = Chat.join(b, u, room, -1);

        Http.Response deleted = Http.send(HttpRequest.newBuilder(a.uri("/user/delete"))
                .header("Authorization", "Bearer " + u.token()).DELETE());
        assertEquals(204, deleted.status());

        assertEquals(1008, onB.closeCode(2));
    }

    @Test
    @Order(6)
    void whileTheDatabaseRestartsSendsGetErrorsAndNoMemberMissesOrRepeatsAMessage() throws Exception {
        User sender = Chat.register(a);
        User r1 = Chat.register(a);
        User r2 = Chat.register(b);
        String room = Chat.createRoom(a, sender);
        ChatSocket s = Chat.join(a, sender, room, 0);
        ChatSocket onA = Chat.join(a, r1, room, 0);
        ChatSocket onB = Chat.join(b, r2, room, 0);

        int sent = 0;
        sent += sendPaced(s, sent, 50);
        GochatSystem.postgres().stop();
        try {
            sent += sendPaced(s, sent, 50);
            Http.Response ready = Http.get(a.uri("/health/ready"));
            assertEquals(503, ready.status(), "not ready without its database");
        } finally {
            GochatSystem.postgres().start();
        }
        a.awaitReady(Duration.ofSeconds(30));
        b.awaitReady(Duration.ofSeconds(30));
        sent += sendPaced(s, sent, 50);

        // The sender learns the fate of each message: back with a seq, or an error event.
        List<JsonObject> acked = new ArrayList<>();
        int errors = 0;
        while (acked.size() + errors < sent) {
            JsonObject f = s.next(15_000);
            if (f == null) {
                break;
            }
            if ("message".equals(f.getString("type"))) {
                acked.add(f);
            } else if ("error".equals(f.getString("type"))) {
                errors++;
            }
        }
        assertEquals(sent, acked.size() + errors, "every send was answered: stored, or an error event");
        assertTrue(errors > 0, "sends while the database was down got error events");
        assertEquals(LongStream.rangeClosed(1, acked.size()).boxed().toList(), Chat.seqs(acked));
        assertEquals(acked.size(), Chat.storedMessages(room));

        for (ChatSocket member : List.of(onA, onB)) {
            List<JsonObject> got = member.next("message", acked.size(), 30);
            assertEquals(Chat.seqs(acked), Chat.seqs(got), "nothing missed, nothing twice");
            assertTrue(member.next("message", 1, 1).isEmpty(), "no message after those");
            member.close();
        }
        s.close();
    }

    @Test
    @Order(7)
    void whenAServerIsKilledItsClientsResumeOnTheOtherAndItsUsersDisappearWithin30Seconds() throws Exception {
        User sender = Chat.register(a);
        User r = Chat.register(b);
        User ghost = Chat.register(b);
        String room = Chat.createRoom(a, sender);
        ChatSocket s = Chat.join(a, sender, room, 0);
        ChatSocket onB = Chat.join(b, r, room, 0);
        Chat.join(b, ghost, room, -1);
        assertTrue(eventually(() -> clientIds(a, sender, room), ids -> ids.contains(ghost.id()), Duration.ofSeconds(5))
                .contains(ghost.id()));

        int total = 300;
        List<Long> received = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            s.send("k-" + i);
            if (i == 100) {
                received.addAll(Chat.seqs(onB.next("message", 50, 10)));
                b.kill();
                bKilled = true;
            }
            Thread.sleep(5);
        }
        long killedAt = System.nanoTime();
        assertEquals(total, s.next("message", total, 30).size(), "the sender's server stored everything");

        // The client of the dead server resumes on the other one from the last seq it saw.
        received.addAll(onB.remainingSeqs());
        long last = received.isEmpty() ? 0 : received.get(received.size() - 1);
        ChatSocket resumed = Chat.join(a, r, room, last);
        received.addAll(Chat.seqs(resumed.next("message", (int) (total - last), 30)));
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), received, "complete and gapless");

        Set<Long> left = eventually(() -> clientIds(a, sender, room), ids -> !ids.contains(ghost.id()),
                Duration.ofSeconds(40));
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        assertFalse(left.contains(ghost.id()), "the killed server's users disappear");
        assertTrue(seconds <= 31, "they disappear within 30 s, took " + seconds);
        resumed.close();
        s.close();
    }

    // --- helpers -------------------------------------------------------------------------------

    private static Set<Long> clientIds(LibertyServer server, User asker, String room) {
        Http.Response r = Chat.get(server, "/chat/ws/getClients/" + room, asker);
        assertEquals(200, r.status(), r.body());
        Set<Long> ids = new HashSet<>();
        List<Long> all = r.jsonArray().stream().map(v -> v.asJsonObject().getJsonNumber("id").longValueExact()).toList();
        ids.addAll(all);
        assertEquals(all.size(), ids.size(), "each user once");
        return ids;
    }

    /** Sends {@code n} messages, about 50 a second; returns n. */
    private static int sendPaced(ChatSocket s, int from, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            s.send("{\"content\":\"p-" + (from + i) + "\",\"clientMsgId\":\"p-" + (from + i) + "\"}");
            Thread.sleep(20);
        }
        return n;
    }

    private interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T eventually(Probe<T> probe, java.util.function.Predicate<T> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = probe.get();
        }
        return value;
    }
}
