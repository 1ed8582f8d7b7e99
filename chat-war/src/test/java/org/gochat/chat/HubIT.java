package org.gochat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.gochat.chat.control.Rooms;
import org.gochat.testkit.ChatSocket;
import org.gochat.web.Tokens;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hub inside Liberty, with real WebSocket clients over real sockets and the real PostgreSQL:
 * ordering, replay, error events, and a slow consumer closed without holding up its room. The
 * test server runs with an outbound bound of 1000 frames, a 2 s send timeout and a high rate
 * limit (see this module's pom).
 */
@ExtendWith(ArquillianExtension.class)
class HubIT {

    @Deployment
    static WebArchive deployment() {
        return ChatArchive.create();
    }

    @ArquillianResource
    URL base;

    @Inject
    Rooms rooms;

    @Inject
    MetricRegistry metrics;

    private String newRoom() {
        String id = "hub-" + UUID.randomUUID();
        rooms.create(id, "Hub test", null);
        return id;
    }

    private ChatSocket join(String room, long user, Long since, boolean reading) throws Exception {
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + "it/join/" + room + "?user=" + user
                + (since == null ? "" : "&since=" + since));
        return ChatSocket.open(uri, Map.of(), reading);
    }

    @Test
    void everyMemberOfEachRoomReceivesTheSameGaplessSequenceIncludingItsOwnMessages() throws Exception {
        int perClient = 60;
        List<String> roomIds = List.of(newRoom(), newRoom());
        List<List<ChatSocket>> clients = new ArrayList<>();
        for (String room : roomIds) {
            List<ChatSocket> members = new ArrayList<>();
            for (int u = 1; u <= 3; u++) {
                members.add(join(room, u, 0L, true)); // since=0: nothing is missed while the others join
            }
            clients.add(members);
        }
        List<Thread> senders = new ArrayList<>();
        for (List<ChatSocket> members : clients) {
            for (int u = 0; u < members.size(); u++) {
                ChatSocket c = members.get(u);
                int user = u + 1;
                senders.add(started(() -> {
                    for (int i = 0; i < perClient; i++) {
                        c.send("{\"content\":\"m" + i + "\",\"clientMsgId\":\"" + user + "-" + i + "\"}");
                    }
                }));
            }
        }
        for (Thread t : senders) {
            t.join();
        }
        for (int r = 0; r < roomIds.size(); r++) {
            List<String> first = null;
            for (ChatSocket c : clients.get(r)) {
                List<JsonObject> got = c.next("message", 3 * perClient, 30);
                assertEquals(3 * perClient, got.size(), "messages received in room " + roomIds.get(r));
                assertFalse(c.closed.isDone(), "still connected");
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < got.size(); i++) {
                    JsonObject m = got.get(i);
                    assertEquals(i + 1, m.getJsonNumber("seq").longValue(), "seq without gap, ascending");
                    assertEquals(roomIds.get(r), m.getString("roomId"));
                    seen.add(m.getInt("seq") + ":" + m.getString("clientMsgId") + ":" + m.getJsonNumber("userId"));
                }
                if (first == null) {
                    first = seen;
                } else {
                    assertEquals(first, seen, "every member sees the same sequence");
                }
                // each sender's own messages, in the order it sent them
                for (int u = 1; u <= 3; u++) {
                    String prefix = u + "-";
                    List<String> own = got.stream().map(m -> m.getString("clientMsgId"))
                            .filter(id -> id.startsWith(prefix)).toList();
                    assertEquals(perClient, own.size());
                    for (int i = 0; i < perClient; i++) {
                        assertEquals(prefix + i, own.get(i));
                    }
                }
            }
            clients.get(r).forEach(ChatSocket::close);
        }
    }

    @Test
    void sinceReplaysTheStoredMessagesThenTheLiveOnesWithoutGapOrDuplicate() throws Exception {
        String room = newRoom();
        ChatSocket alice = join(room, 1, null, true);
        for (int i = 1; i <= 10; i++) {
            alice.send("early " + i);
        }
        assertEquals(10, alice.next("message", 10, 20).size());

        ChatSocket bob = join(room, 2, 4L, true);
        for (int i = 11; i <= 15; i++) {
            alice.send("late " + i);
        }
        List<JsonObject> got = bob.next("message", 11, 20);
        assertEquals(11, got.size());
        for (int i = 0; i < got.size(); i++) {
            long seq = 5 + i;
            assertEquals(seq, got.get(i).getJsonNumber("seq").longValue());
            assertEquals((seq <= 10 ? "early " : "late ") + seq, got.get(i).getString("content"));
        }
        assertEquals(null, bob.frames.poll(300, TimeUnit.MILLISECONDS), "nothing after the last message");
        alice.close();
        bob.close();
    }

    @Test
    void badFramesGetErrorEventsAndNothingIsStored() throws Exception {
        String room = newRoom();
        ChatSocket c = join(room, 1, null, true);
        c.send("   ");
        assertEquals("invalid_message", nextError(c));
        c.send("{\"content\": 5}");
        assertEquals("invalid_message", nextError(c));
        c.send("{\"content\": \"hi\", \"clientMsgId\": \"" + "x".repeat(65) + "\"}");
        assertEquals("invalid_message", nextError(c));
        c.send("y".repeat(4097));
        assertEquals("message_too_large", nextError(c));
        c.send("  " + "z".repeat(4096) + "  ");
        JsonObject m = c.next("message", 1, 10).get(0);
        assertEquals(1, m.getInt("seq"), "the refused frames were not stored");
        assertEquals("z".repeat(4096), m.getString("content"));
        assertFalse(c.closed.isDone(), "the connection stays open");
        c.close();
    }

    @Test
    void aMessageTheDatabaseRefusesFailsAloneNotTheOthersStoredWithIt() throws Exception {
        String room = newRoom();
        int each = 100;
        List<ChatSocket> good = new ArrayList<>();
        for (int u = 1; u <= 2; u++) {
            good.add(ChatSocket.open(URI.create(wsBase() + "it/join/" + room + "?user=" + u + "&unchecked"), Map.of(), true));
        }
        ChatSocket bad = ChatSocket.open(URI.create(wsBase() + "it/join/" + room + "?user=3&unchecked"), Map.of(), true);
        List<Thread> senders = new ArrayList<>();
        for (int u = 0; u < good.size(); u++) {
            ChatSocket c = good.get(u);
            String prefix = "g" + u + "-";
            senders.add(started(() -> {
                for (int i = 0; i < each; i++) {
                    c.send(prefix + i);
                }
            }));
        }
        senders.add(started(() -> {
            for (int i = 0; i < each; i++) {
                bad.send("nul \u0000 " + i); // PostgreSQL refuses U+0000 in text
            }
        }));
        for (Thread t : senders) {
            t.join();
        }
        for (ChatSocket c : good) {
            List<JsonObject> got = c.next("message", 2 * each, 30);
            assertEquals(2 * each, got.size(), "every good message stored and delivered");
            assertTrue(c.frames.stream().noneMatch(f -> f.getString("type").equals("error")), "no error for good senders");
        }
        int refused = 0;
        int received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((refused < each || received < 2 * each) && System.nanoTime() < deadline) {
            JsonObject f = bad.frames.poll(1, TimeUnit.SECONDS);
            if (f != null && f.getString("type").equals("error")) {
                assertEquals("invalid_message", f.getString("code"), f.toString());
                refused++;
            } else if (f != null && f.getString("type").equals("message")) {
                received++;
            }
        }
        assertEquals(each, refused, "each refused message answered once");
        assertEquals(2 * each, received);
        good.forEach(ChatSocket::close);
        bad.close();
    }

    /**
     * The hand-written message frame is, byte for byte, what the history route's JSON-B writes for
     * the same message: live (from the notification) and replayed (from the table), for text that
     * needs escaping and with a clientMsgId.
     */
    @Test
    void messageFramesAreTheHistoryRoutesJsonByteForByte() throws Exception {
        String room = newRoom();
        // unchecked: stored as sent, so also with controls that the hub's own checks refuse
        ChatSocket raw = ChatSocket.open(URI.create(wsBase() + "it/join/" + room + "?user=5&unchecked"), Map.of(), true);
        List<String> texts = List.of("plain", "quote \" backslash \\ slash / braces {}", "tab\tnewline\nreturn\r",
                "controls \b \f \u0001 \u001f \u007f", "unicode \u00e9 \u65e5\u672c \ud83d\ude00 \u2028\u2029 \ufeff",
                "</script><!-- & '", "{\"content\":\"nested\"}", " spaces kept inside ");
        for (String text : texts) {
            raw.send(text);
        }
        ChatSocket checked = join(room, 6, 0L, true);
        checked.send("{\"content\":\"with an id\",\"clientMsgId\":\"c-\\\"1\\\" \u00e9\"}");
        int n = texts.size() + 1;
        assertEquals(n, checked.next("message", n, 20).size());
        assertEquals(n, raw.next("message", n, 20).size());
        ChatSocket replayed = join(room, 7, 0L, true);
        assertEquals(n, replayed.next("message", n, 20).size());

        HttpResponse<byte[]> history = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base + "ws/rooms/" + room + "/messages?limit=100"))
                .header("Authorization", "Bearer " + Tokens.issue(5, "user5").token()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, history.statusCode(), new String(history.body(), StandardCharsets.UTF_8));
        String body = new String(history.body(), StandardCharsets.UTF_8);
        assertEquals(body, "[" + String.join(",", raw.messageTexts) + "]", "live frames");
        assertEquals(body, "[" + String.join(",", replayed.messageTexts) + "]", "replayed frames");
        List.of(raw, checked, replayed).forEach(ChatSocket::close);
    }

    private String wsBase() {
        return base.toString().replaceFirst("^http", "ws");
    }

    @Test
    void aRoomLetsGoOfItsLoopWhenItsLastMemberLeavesAndServesTheNextOneInOrder() throws Exception {
        String room = newRoom();
        ChatSocket first = join(room, 1, null, true);
        first.send("one");
        assertEquals(1, first.next("message", 1, 10).get(0).getInt("seq"));
        long withMember = roomsWithMembers();
        first.close();
        first.closeCode(10);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (roomsWithMembers() >= withMember && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(roomsWithMembers() < withMember, "the empty room's loop is gone");

        ChatSocket next = join(room, 2, 0L, true);
        next.send("two");
        List<JsonObject> got = next.next("message", 2, 10);
        assertEquals(List.of(1, 2), got.stream().map(m -> m.getInt("seq")).toList(), "history, then the live message");
        next.close();
    }

    private long roomsWithMembers() {
        return metrics.getGauge(new MetricID("gochat.ws.rooms")).getValue().longValue();
    }

    /**
     * Also: the hub closes these connections while the endpoint's onOpen may still be running, and the
     * container then runs onClose at once on another thread; each must still leave the hub (none
     * stays counted among the server's connections).
     */
    @Test
    void aConnectionTheHubCannotJoinToItsRoomIsClosedWith1011() throws Exception {
        long before = openConnections();
        for (int i = 0; i < 20; i++) {
            // The fixture skips the handshake's check that the room exists, so the join finds no room where
            // it counts the connection, as after a deletion between handshake and join.
            ChatSocket c = join("hub-missing-" + UUID.randomUUID(), 1, null, true);
            assertEquals(1011, c.closeCode(10));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openConnections() > before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(openConnections() <= before, "every closed connection left the hub: " + openConnections() + " open, " + before + " before");
    }

    private long openConnections() {
        return metrics.getGauge(new MetricID("gochat.ws.sessions")).getValue().longValue();
    }

    private static String nextError(ChatSocket c) throws InterruptedException {
        JsonObject f = c.frames.poll(10, TimeUnit.SECONDS);
        assertEquals("error", f.getString("type"), f.toString());
        return f.getString("code");
    }

    @Test
    void aSlowConsumerIsClosedWith1013WhileTheOthersGetEverything() throws Exception {
        String room = newRoom();
        int total = 3000; // about 9 MB: enough to fill a stalled client's socket buffers, then its queue
        String padding = "p".repeat(3000);
        ChatSocket fast = join(room, 1, null, true);
        ChatSocket slow = join(room, 2, null, false);
        var closed = metrics.getCounter(new MetricID("gochat.ws.slowConsumersClosed"));
        long closedBefore = closed.getCount();
        // Resume the stalled client as soon as the hub gives up on it, so that its close frame gets through.
        Thread watcher = started(() -> {
            while (closed.getCount() == closedBefore) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            slow.resume();
        });

        for (int i = 0; i < total; i++) {
            fast.send(padding + i);
            LockSupport.parkNanos(2_000_000); // a steady 500 a second, which a reading client keeps up with
        }
        List<JsonObject> got = fast.next("message", total, 60);
        assertEquals(total, got.size(), "the reading member gets every message");
        for (int i = 0; i < total; i++) {
            assertEquals(i + 1, got.get(i).getInt("seq"));
        }
        assertEquals(1013, slow.closeCode(30));
        assertTrue(closed.getCount() > closedBefore);
        long slowGot = slow.frames.stream().filter(f -> "message".equals(f.getString("type"))).count();
        assertTrue(slowGot < total, "the slow client was closed before it got everything: " + slowGot);
        watcher.interrupt();
        fast.close();
    }

    @Test
    void clientsThatStopReadingDoNotHoldUpTheOthersEvenWhenTheyOutnumberTheSendThreads() throws Exception {
        String room = newRoom();
        int total = 3000;
        String padding = "p".repeat(3000);
        ChatSocket reader = join(room, 1, null, true);
        List<ChatSocket> stalled = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // the test server has 2 send threads (see this module's pom)
            stalled.add(join(room, 10 + i, null, false));
        }
        for (int i = 0; i < total; i++) {
            reader.send(padding + i);
            LockSupport.parkNanos(2_000_000);
        }
        List<JsonObject> got = reader.next("message", total, 60);
        assertEquals(total, got.size(), "the reading member gets every message");
        // Once the stalled clients' socket buffers are full their sends block until the send timeout
        // (2 s); the reading member's frames must not wait for that.
        long largestGap = 0;
        int at = 0;
        for (int i = 1; i < reader.messageArrivals.size(); i++) {
            long gap = reader.messageArrivals.get(i) - reader.messageArrivals.get(i - 1);
            if (gap > largestGap) {
                largestGap = gap;
                at = i;
            }
        }
        assertTrue(largestGap < TimeUnit.SECONDS.toNanos(1),
                "the reading member waited " + largestGap / 1_000_000 + " ms for message " + at);
        for (ChatSocket s : stalled) {
            s.resume(); // lets its close frame through
            assertEquals(1013, s.closeCode(30));
        }
        reader.close();
    }

    private static Thread started(Runnable work) {
        Thread t = new Thread(work);
        t.start();
        return t;
    }
}
