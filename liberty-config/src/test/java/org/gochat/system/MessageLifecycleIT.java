package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Edit and delete as events of a room's stream, over real sockets, on the system's server ("a")
 * and a second one ("b") on the same database: their seqs, their delivery in order on both servers,
 * replay with {@code since}, history in the messages' current state, a delete racing an edit, and
 * every refusal.
 */
@ExtendWith(GochatSystem.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageLifecycleIT {

    private LibertyServer a;
    private LibertyServer b;

    @BeforeAll
    void servers() {
        a = GochatSystem.server();
        b = GochatSystem.secondNode();
    }

    /** The next {@code n} frames of the stored stream (message, edit, delete), skipping the others. */
    static List<JsonObject> stream(ChatSocket s, int n, int seconds) throws InterruptedException {
        List<JsonObject> found = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (found.size() < n) {
            JsonObject f = s.frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (f == null) {
                break;
            }
            if (f.containsKey("seq")) {
                found.add(f);
            }
        }
        return found;
    }

    /** Every frame a socket receives within {@code millis}. */
    static List<JsonObject> frames(ChatSocket s, long millis) throws InterruptedException {
        List<JsonObject> found = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (JsonObject f; (f = s.frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null;) {
            found.add(f);
        }
        return found;
    }

    @Test
    void anEditAndADeleteAreStoredWithTheNextSeqsDeliveredToEveryMemberAndShownInHistory() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket aliceSocket = Chat.join(alice, room);
        ChatSocket bobSocket = Chat.join(b, bob, room, -1);
        aliceSocket.send("{\"content\":\"helo\",\"clientMsgId\":\"c-1\"}");
        assertEquals(1, stream(bobSocket, 1, 10).size());
        bobSocket.send("a secret");
        assertEquals(2, stream(aliceSocket, 2, 10).size());
        assertEquals(1, stream(bobSocket, 1, 10).size());

        Http.Response edited = Chat.edit(alice, room, 1, "  hello  ");
        assertEquals(200, edited.status(), edited.body());
        JsonObject message = edited.json();
        assertEquals("message", message.getString("type"));
        assertEquals(1, message.getInt("seq"));
        assertEquals("hello", message.getString("content"), "trimmed");
        assertEquals("c-1", message.getString("clientMsgId"));
        assertTrue(Instant.parse(message.getString("editedAt")).isAfter(Instant.parse(message.getString("sentAt"))));

        // The room's owner (its creator) deletes bob's message.
        Http.Response deleted = Chat.deleteMessage(b, alice, room, 2);
        assertEquals(204, deleted.status(), deleted.body());

        for (ChatSocket s : List.of(aliceSocket, bobSocket)) {
            List<JsonObject> events = stream(s, 2, 10);
            assertEquals(2, events.size());
            JsonObject edit = events.get(0);
            assertEquals("edit", edit.getString("type"));
            assertEquals(3, edit.getInt("seq"));
            assertEquals(1, edit.getInt("targetSeq"));
            assertEquals(alice.id(), edit.getJsonNumber("userId").longValueExact());
            assertEquals(alice.username(), edit.getString("username"));
            assertEquals("hello", edit.getString("content"));
            assertEquals(room, edit.getString("roomId"));
            JsonObject delete = events.get(1);
            assertEquals("delete", delete.getString("type"));
            assertEquals(4, delete.getInt("seq"));
            assertEquals(2, delete.getInt("targetSeq"));
            assertEquals(alice.id(), delete.getJsonNumber("userId").longValueExact());
            assertFalse(delete.containsKey("content"));
        }

        List<JsonObject> history = Chat.history(bob, room);
        assertEquals(List.of("message", "message", "edit", "delete"), history.stream().map(m -> m.getString("type")).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), Chat.seqs(history));
        assertEquals("hello", history.get(0).getString("content"));
        assertEquals(message.getString("editedAt"), history.get(0).getString("editedAt"));
        assertTrue(history.get(1).getBoolean("deleted"));
        assertFalse(history.get(1).containsKey("content"));
        assertFalse(history.get(0).containsKey("deleted"));
        assertEquals(1, Social.number("SELECT count(*) FROM messages WHERE room_id = ? AND seq = 2 AND content IS NULL", room),
                "the deleted text is gone from the database");

        // A replay shows the same current state as history, on either server.
        for (LibertyServer server : List.of(a, b)) {
            ChatSocket replay = Chat.join(server, bob, room, 0);
            assertEquals(history, stream(replay, 4, 10));
            replay.close();
        }
        aliceSocket.close();
        bobSocket.close();
    }

    @Test
    void deletingAMessageRemovesTheTextOfItsEditsTooAndDeletingTwiceChangesNothing() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket s = Chat.join(alice, room);
        s.sendAndAwait("first ", 1, 1);
        assertEquals(200, Chat.edit(alice, room, 1, "second").status());
        assertEquals(204, Chat.deleteMessage(alice, room, 1).status());
        assertEquals(204, Chat.deleteMessage(alice, room, 1).status(), "deleting twice");
        assertEquals(List.of("edit", "delete"), stream(s, 3, 3).stream().map(m -> m.getString("type")).toList(),
                "the second delete is no event");
        assertEquals(3, Social.number("SELECT last_seq FROM rooms WHERE id = ?", room));
        assertEquals(0, Social.number("SELECT count(*) FROM messages WHERE room_id = ? AND content IS NOT NULL", room));
        List<JsonObject> history = Chat.history(alice, room);
        assertEquals("edit", history.get(1).getString("type"));
        assertFalse(history.get(1).containsKey("content"), "an edit of a deleted message shows no text");
        assertTrue(history.get(1).getBoolean("deleted"));
        assertProblem(Chat.edit(alice, room, 1, "third"), 409);
        s.close();
    }

    @Test
    void everyRefusalIsAProblemAndChangesNothing() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket s = Chat.join(alice, room);
        s.sendAndAwait("mine ", 1, 1);
        ChatSocket bobs = Chat.join(bob, room);
        bobs.sendAndAwait("bob's ", 1, 1);
        assertEquals(200, Chat.edit(alice, room, 1, "edited").status());
        String messages = "/chat/ws/rooms/" + room + "/messages/";

        assertProblem(Chat.edit(bob, room, 1, "not yours"), 403);
        assertProblem(Chat.deleteMessage(bob, room, 1), 403);
        assertProblem(Chat.edit(alice, room, 2, "not yours either"), 403);
        assertProblem(Chat.edit(alice, room, 99, "x"), 404);
        assertProblem(Chat.edit(alice, room, 0, "x"), 404);
        assertProblem(Chat.edit(alice, room, 3, "the edit event is not a message"), 404);
        assertProblem(Chat.deleteMessage(alice, room, 3), 404);
        assertProblem(Chat.deleteMessage(alice, room, 99), 404);
        assertProblem(Chat.edit(alice, "no-such-room", 1, "x"), 404);
        assertProblem(Chat.deleteMessage(alice, "no-such-room", 1), 404);
        assertProblem(Chat.call(a, "PATCH", messages + "one", alice, "{\"content\":\"x\"}"), 400);
        assertProblem(Chat.call(a, "DELETE", messages + "1x", alice, null), 400);
        for (String body : List.of("{\"content\":\"   \"}", "{\"content\":\"" + "x".repeat(4097) + "\"}",
                "{\"content\":\"bell \\u0007\"}", "{\"content\":\"nul \\u0000\"}", "{}", "{\"content\":7}",
                "{\"content\":null}", "{\"content\":", "[]")) {
            Http.Response r = Chat.call(a, "PATCH", messages + 1, alice, body);
            assertProblem(r, 400);
        }
        assertEquals(200, Chat.edit(alice, room, 1, "x".repeat(4096)).status(), "4096 characters are allowed");
        Http.Response textPlain = Http.send(java.net.http.HttpRequest.newBuilder(a.uri(messages + 1))
                .header("Authorization", "Bearer " + alice.token()).header("Content-Type", "text/plain")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"content\":\"x\"}")));
        assertProblem(textPlain, 415);
        assertProblem(Chat.call(a, "PATCH", messages + 1, null, "{\"content\":\"x\"}"), 401);
        assertProblem(Chat.call(a, "PATCH", messages + 1, null, "{\"content\":"), 401);
        assertProblem(Chat.call(a, "DELETE", messages + 1, null, null), 401);
        assertProblem(Chat.call(a, "DELETE", "/chat/ws/rooms/no-such-room/messages/x", null, null), 401);

        assertEquals(4, Social.number("SELECT last_seq FROM rooms WHERE id = ?", room), "only the two edits were stored");
        assertEquals("x".repeat(4096), Chat.history(alice, room).get(0).getString("content"));
        s.close();
        bobs.close();
    }

    /**
     * Four members on two servers send messages while edits and deletes of earlier messages are
     * made through both servers: every member receives the one stream, gapless, in the same order.
     */
    @Test
    void editsAndDeletesFromBothServersAmongConcurrentMessagesReachEveryMemberInOneSeqOrder() throws Exception {
        List<User> users = List.of(Chat.register(a), Chat.register(a), Chat.register(b), Chat.register(b));
        String room = Chat.createRoom(a, users.get(0));
        List<ChatSocket> sockets = List.of(Chat.join(a, users.get(0), room, 0), Chat.join(a, users.get(1), room, 0),
                Chat.join(b, users.get(2), room, 0), Chat.join(b, users.get(3), room, 0));
        // Each user's first messages, to be changed while the rest are sent.
        for (int i = 0; i < sockets.size(); i++) {
            sockets.get(i).send("first of " + i);
        }
        List<List<JsonObject>> firsts = new ArrayList<>();
        for (ChatSocket s : sockets) {
            firsts.add(stream(s, 4, 20));
        }
        Map<Long, Long> authorOfSeq = new HashMap<>();
        for (JsonObject m : firsts.get(0)) {
            authorOfSeq.put(m.getJsonNumber("seq").longValueExact(), m.getJsonNumber("userId").longValueExact());
        }
        List<Long> firstSeqs = authorOfSeq.keySet().stream().sorted().toList();
        int each = 30;
        CyclicBarrier start = new CyclicBarrier(sockets.size() + 3); // the senders, the two editors, this thread
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sockets.size(); i++) {
            ChatSocket s = sockets.get(i);
            int sender = i;
            threads.add(Chat.started(() -> {
                await(start);
                for (int k = 0; k < each; k++) {
                    s.send("m-" + sender + "-" + k);
                }
            }));
        }
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        for (LibertyServer server : List.of(a, b)) {
            threads.add(Chat.started(() -> {
                await(start);
                for (int k = 0; k < 5; k++) {
                    for (int i = 0; i < users.size(); i++) {
                        long seq = firstSeqs.get(i);
                        User author = users.stream().filter(u -> u.id() == authorOfSeq.get(seq)).findFirst().orElseThrow();
                        statuses.add(Chat.edit(server, author, room, seq, "edit " + k + " on " + server).status());
                    }
                }
            }));
        }
        await(start);
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(List.of(200), statuses.stream().distinct().toList(), "every edit stored");
        // Then the owner deletes every first message, through b.
        for (long seq : authorOfSeq.keySet()) {
            assertEquals(204, Chat.deleteMessage(b, users.get(0), room, seq).status());
        }

        int total = 4 + each * 4 + 2 * 5 * 4 + 4;
        List<String> first = null;
        for (ChatSocket s : sockets) {
            List<JsonObject> got = stream(s, total - 4, 60);
            assertEquals(LongStream.rangeClosed(5, total).boxed().toList(), Chat.seqs(got), "gapless, ascending, once");
            List<String> order = got.stream().map(m -> m.getString("type") + " " + m.getInt("seq") + " "
                    + m.getString("content", "") + " " + m.getInt("targetSeq", 0)).toList();
            if (first == null) {
                first = order;
            } else {
                assertEquals(first, order, "the same stream on both servers");
            }
            assertEquals(4, got.stream().filter(m -> m.getString("type").equals("delete")).count());
            assertEquals(40, got.stream().filter(m -> m.getString("type").equals("edit")).count());
            s.close();
        }
        assertEquals(total, Chat.storedMessages(room));
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientResumingWithSinceReceivesTheEditsItMissedThenLiveEventsWithoutGapOrDuplicate() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket s = Chat.join(alice, room);
        s.sendAndAwait("m", 1, 3);
        s.close();
        s.closeCode(10);
        assertEquals(200, Chat.edit(b, alice, room, 2, "m2 edited").status());
        assertEquals(204, Chat.deleteMessage(alice, room, 3).status());

        ChatSocket resumed = Chat.join(b, alice, room, 3);
        ChatSocket other = Chat.join(a, alice, room, -1);
        other.send("after");
        List<JsonObject> got = stream(resumed, 3, 10);
        assertEquals(List.of(4L, 5L, 6L), Chat.seqs(got));
        assertEquals(List.of("edit", "delete", "message"), got.stream().map(m -> m.getString("type")).toList());
        assertEquals("m2 edited", got.get(0).getString("content"));
        assertEquals(List.of(), stream(resumed, 1, 1), "nothing twice");
        resumed.close();
        other.close();
    }

    /**
     * The author edits and deletes one message at the same moment, through different servers, many
     * times: each time either the edit came first (200, then 204: an edit and a delete event) or the
     * delete did (204, then 409: only a delete event); the message ends deleted with no text, and the
     * stream says the same as the statuses.
     */
    @Test
    void aDeleteRacingAnEditHasOneConsistentOutcome() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket s = Chat.join(alice, room);
        int rounds = 20;
        s.sendAndAwait("race ", 1, rounds);
        long expectedSeq = rounds;
        int editsFirst = 0;
        for (long seq = 1; seq <= rounds; seq++) {
            long target = seq;
            CyclicBarrier both = new CyclicBarrier(2);
            CompletableFuture<Integer> edit = CompletableFuture.supplyAsync(() -> {
                await(both);
                return Chat.edit(a, alice, room, target, "edited " + target).status();
            });
            CompletableFuture<Integer> delete = CompletableFuture.supplyAsync(() -> {
                await(both);
                return Chat.deleteMessage(b, alice, room, target).status();
            });
            int editStatus = edit.get(30, TimeUnit.SECONDS);
            assertEquals(204, delete.get(30, TimeUnit.SECONDS));
            List<JsonObject> events = stream(s, editStatus == 200 ? 2 : 1, 10);
            if (editStatus == 200) {
                editsFirst++;
                assertEquals(List.of("edit", "delete"), events.stream().map(m -> m.getString("type")).toList());
                expectedSeq += 2;
            } else {
                assertEquals(409, editStatus);
                assertEquals(List.of("delete"), events.stream().map(m -> m.getString("type")).toList());
                expectedSeq += 1;
            }
            events.forEach(e -> assertEquals(target, e.getInt("targetSeq")));
        }
        assertEquals(expectedSeq, Chat.storedMessages(room));
        assertEquals(0, Social.number("SELECT count(*) FROM messages WHERE room_id = ? AND content IS NOT NULL", room));
        assertEquals(rounds, Chat.history(alice, room).stream().filter(m -> m.getString("type").equals("message"))
                .filter(m -> m.getBoolean("deleted", false) && !m.containsKey("content")).count());
        System.out.println("edit-delete races: the edit came first " + editsFirst + " of " + rounds + " times");
        s.close();
    }
}
