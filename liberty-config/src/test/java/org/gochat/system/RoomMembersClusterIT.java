package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rooms with members on two servers of one database ("a", the system's, and "b"): a removed or
 * banned member's sockets close with 4403 on every node within 2 s and receive nothing stored
 * after the removal's commit; a deleted room's sockets close with 4404 on every node, then every
 * route answers 404 on both, and the id starts afresh.
 */
@ExtendWith(GochatSystem.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomMembersClusterIT {

    private LibertyServer a;
    private LibertyServer b;

    @BeforeAll
    void servers() {
        a = GochatSystem.server();
        b = GochatSystem.secondNode();
    }

    @Test
    void aRemovedMemberIsClosedWith4403OnEveryNodeAndReceivesNothingAfter() throws Exception {
        User owner = Chat.register(a);
        User bob = Chat.register(a);
        User carol = Chat.register(b);
        String room = Chat.createRoom(a, owner, "private");
        for (User u : List.of(bob, carol)) {
            assertEquals(201, Chat.call(a, "PUT", "/chat/ws/rooms/" + room + "/members/" + u.id(), owner, null).status());
        }
        // since=0: nothing is missed while the joins are under way
        ChatSocket o = Chat.join(a, owner, room, 0);
        ChatSocket c = Chat.join(b, carol, room, 0);
        List<ChatSocket> bobs = List.of(Chat.join(a, bob, room, 0), Chat.join(b, bob, room, 0));
        o.sendAndAwait("before ", 1, 3);
        for (ChatSocket s : bobs) {
            assertEquals(3, s.next("message", 3, 10).size());
        }

        long start = System.nanoTime();
        assertEquals(204, Chat.call(b, "DELETE", "/chat/ws/rooms/" + room + "/members/" + bob.id(), owner, null).status());
        // Stored after the removal's commit: none of it reaches bob; his own late message is not stored.
        for (int i = 0; i < 20; i++) {
            o.send("after " + i);
        }
        try {
            bobs.get(0).send("late from bob");
        } catch (RuntimeException closedAlready) {
            // fine: the socket is gone
        }
        for (ChatSocket s : bobs) {
            assertEquals(4403, s.closeCode(3));
        }
        assertTrue(System.nanoTime() - start < 2_000_000_000L + 500_000_000L, "closed on both nodes within 2 s");
        for (ChatSocket s : bobs) {
            assertTrue(s.frames.stream().noneMatch(f -> f.getString("type").equals("message")),
                    "nothing after the removal: " + s.frames);
        }
        assertEquals(23, c.next("message", 23, 10).size(), "the others get everything");
        assertEquals(0, Social.number("SELECT count(*) FROM messages WHERE room_id = ? AND content = 'late from bob'", room));
        JsonObject removed = o.next("member", 1, 10).get(0);
        assertEquals("removed", removed.getString("action"));
        assertEquals(bob.id(), removed.getJsonNumber("userId").longValueExact());
        for (LibertyServer server : List.of(a, b)) {
            assertProblem(Chat.get(server, "/chat/ws/rooms/" + room + "/messages", bob), 404);
            ChatSocket.HandshakeFailed f = assertThrows(ChatSocket.HandshakeFailed.class, () -> Chat.join(server, bob, room, 0));
            assertEquals(404, f.refused.status());
        }
        o.close();
        c.close();
    }

    @Test
    void aBannedUserIsClosedWith4403OnEveryNodeAndMayNotComeBack() throws Exception {
        User owner = Chat.register(a);
        User bob = Chat.register(b);
        String room = Chat.createRoom(a, owner, "public");
        List<ChatSocket> bobs = List.of(Chat.join(a, bob, room, -1), Chat.join(b, bob, room, -1));
        ChatSocket o = Chat.join(b, owner, room, -1);
        Thread.sleep(200);

        long start = System.nanoTime();
        assertEquals(204, Chat.call(a, "DELETE", "/chat/ws/rooms/" + room + "/members/" + bob.id() + "?ban=true", owner, null).status());
        o.send("after the ban");
        for (ChatSocket s : bobs) {
            assertEquals(4403, s.closeCode(3));
        }
        assertTrue(System.nanoTime() - start < 2_500_000_000L);
        for (ChatSocket s : bobs) {
            assertTrue(s.frames.stream().noneMatch(f -> f.getString("type").equals("message")), s.frames.toString());
        }
        JsonObject banned = o.next("member", 1, 10).get(0);
        assertEquals("banned", banned.getString("action"));
        for (LibertyServer server : List.of(a, b)) {
            ChatSocket.HandshakeFailed f = assertThrows(ChatSocket.HandshakeFailed.class, () -> Chat.join(server, bob, room, -1));
            assertEquals(403, f.refused.status());
            assertProblem(Chat.call(server, "PUT", "/chat/ws/rooms/" + room + "/members/" + bob.id(), bob, null), 403);
        }
        o.close();
    }

    @Test
    void aDeletedRoomIsClosedWith4404OnEveryNodeThenUnknownAndItsIdFree() throws Exception {
        User owner = Chat.register(a);
        User bob = Chat.register(b);
        String room = Chat.createRoom(a, owner);
        List<ChatSocket> sockets = List.of(Chat.join(a, owner, room, 0), Chat.join(b, bob, room, 0), Chat.join(a, bob, room, 0));
        sockets.get(0).sendAndAwait("old ", 1, 5);

        long start = System.nanoTime();
        assertEquals(204, Chat.call(b, "DELETE", "/chat/ws/rooms/" + room, owner, null).status());
        for (ChatSocket s : sockets) {
            assertEquals(4404, s.closeCode(3));
        }
        assertTrue(System.nanoTime() - start < 2_500_000_000L);
        for (LibertyServer server : List.of(a, b)) {
            for (String path : List.of("/chat/ws/getClients/" + room, "/chat/ws/rooms/" + room + "/messages",
                    "/chat/ws/rooms/" + room + "/members")) {
                assertProblem(Chat.get(server, path, owner), 404);
            }
            assertProblem(Chat.call(server, "DELETE", "/chat/ws/rooms/" + room, owner, null), 404);
            ChatSocket.HandshakeFailed f = assertThrows(ChatSocket.HandshakeFailed.class, () -> Chat.join(server, owner, room, 0));
            assertEquals(404, f.refused.status());
        }
        assertEquals(0, Social.number("SELECT count(*) FROM messages WHERE room_id = ?", room), "its history is gone");

        // The id again: a new room, from seq 1, on both nodes.
        Http.Response again = Chat.post(b, "/chat/ws/createRoom", bob, "{\"id\":\"" + room + "\",\"name\":\"Again\"}");
        assertEquals(201, again.status(), again.body());
        ChatSocket onA = Chat.join(a, owner, room, 0);
        ChatSocket onB = Chat.join(b, bob, room, 0);
        Thread.sleep(200);
        onB.send("new");
        for (ChatSocket s : List.of(onA, onB)) {
            List<JsonObject> got = s.next("message", 1, 10);
            assertEquals(1, got.size());
            assertEquals(1, got.get(0).getInt("seq"));
            assertEquals("new", got.get(0).getString("content"));
        }
        onA.close();
        onB.close();
    }

    /** The user socket is told on every node: alice's is on b, everything happens on a. */
    @Test
    void theUserSocketHearsOfEveryNodesChanges() throws Exception {
        User owner = Chat.register(a);
        User alice = Chat.register(a);
        ChatSocket me = ChatSocket.me(b.uri(""), alice.bearer());
        String room = Chat.createRoom(a, owner, "private");
        assertEquals(201, Chat.call(a, "PUT", "/chat/ws/rooms/" + room + "/members/" + alice.id(), owner, null).status());
        JsonObject added = me.next(10_000);
        assertEquals("room", added.getString("type"), added.toString());
        assertEquals("added", added.getString("action"));
        assertEquals(room, added.getJsonObject("room").getString("id"));

        ChatSocket owners = Chat.join(a, owner, room, -1);
        owners.sendAndAwait("hello ", 1, 1);
        JsonObject inbox;
        do {
            inbox = me.next(10_000);
            assertEquals("inbox", inbox.getString("type"), String.valueOf(inbox));
        } while (inbox.getJsonNumber("lastSeq").longValue() < 1);
        assertEquals(1, inbox.getJsonNumber("unread").longValue());
        assertEquals("hello 1", inbox.getJsonObject("lastMessage").getString("content"));

        assertEquals(204, Chat.call(a, "DELETE", "/chat/ws/rooms/" + room, owner, null).status());
        JsonObject deleted = me.next(10_000);
        assertEquals("room", deleted.getString("type"), String.valueOf(deleted));
        assertEquals("deleted", deleted.getString("action"));
        owners.close();
        me.close();
    }
}
