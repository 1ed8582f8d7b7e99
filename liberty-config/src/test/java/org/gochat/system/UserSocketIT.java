package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The user socket {@code /chat/ws/me}: the joinRoom handshake's rules without a room; a {@code room}
 * frame when the user is added to or removed from a room or a room of theirs is deleted; an
 * {@code inbox} frame with the room's latest state after new messages (coalesced: at most one per
 * room per 250 ms) and when the user's read marker moves on any client; nothing about a room after
 * the user left it; closed with 1008 when its token is revoked. (On every node: RoomMembersClusterIT.)
 */
@ExtendWith(GochatSystem.class)
class UserSocketIT {

    @Test
    void theHandshakeHasJoinRoomsRulesWithoutARoom() {
        User alice = Chat.register();
        ChatSocket.HandshakeFailed none = assertThrows(ChatSocket.HandshakeFailed.class,
                () -> ChatSocket.me(Chat.base(), Map.of()));
        assertEquals(401, none.refused.status());
        ChatSocket.HandshakeFailed foreign = assertThrows(ChatSocket.HandshakeFailed.class,
                () -> ChatSocket.me(Chat.base(), Map.of("Authorization", "Bearer " + alice.token(),
                        "Origin", "https://evil.example")));
        assertEquals(403, foreign.refused.status());
        assertProblem(Chat.get("/chat/ws/me", alice), 426);
    }

    @Test
    void itFollowsTheUsersRoomsTheirMessagesAndTheirReadMarker() throws Exception {
        User owner = Chat.register();
        User alice = Chat.register();
        ChatSocket me = ChatSocket.me(Chat.base(), alice.bearer());
        String room = Chat.createRoom(GochatSystem.server(), owner, "private");
        assertEquals(201, Chat.call("PUT", "/chat/ws/rooms/" + room + "/members/" + alice.id(), owner, null).status());

        JsonObject added = next(me, "room");
        assertEquals("added", added.getString("action"));
        assertEquals(room, added.getJsonObject("room").getString("id"));
        assertEquals("private", added.getJsonObject("room").getString("visibility"));
        JsonObject empty = next(me, "inbox");
        assertEquals(room, empty.getString("roomId"));
        assertEquals(0, empty.getJsonNumber("unread").longValue());
        assertTrue(empty.isNull("lastMessage"), empty.toString());

        // 60 messages as fast as they go: fewer inbox frames than messages, each newer than the one
        // before (a state once told is not told again), the last one the room's state.
        ChatSocket owners = Chat.join(GochatSystem.server(), owner, room, -1);
        long start = System.nanoTime();
        owners.sendAndAwait("m", 1, 60);
        List<JsonObject> inbox = new ArrayList<>();
        JsonObject last;
        do {
            long before = inbox.isEmpty() ? 0 : inbox.get(inbox.size() - 1).getJsonNumber("lastSeq").longValue();
            last = next(me, "inbox");
            assertTrue(last.getJsonNumber("lastSeq").longValue() > before, inbox + " then " + last);
            inbox.add(last);
        } while (last.getJsonNumber("lastSeq").longValue() < 60);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(inbox.size() < 60 && inbox.size() <= 2 + elapsedMillis / 200,
                inbox.size() + " inbox frames for 60 messages in " + elapsedMillis + " ms");
        assertEquals(room, last.getString("roomId"));
        assertEquals(0, last.getJsonNumber("readSeq").longValue());
        assertEquals(60, last.getJsonNumber("unread").longValue());
        assertEquals("m60", last.getJsonObject("lastMessage").getString("content"));
        assertEquals(60, last.getJsonObject("lastMessage").getJsonNumber("seq").longValue());
        assertNull(me.next(600), "nothing more: the latest state was sent");

        // The marker moves on another client (HTTP here): the socket hears it.
        assertEquals(204, Chat.call("PUT", "/chat/ws/rooms/" + room + "/read", alice, "{\"seq\":45}").status());
        JsonObject read = next(me, "inbox");
        assertEquals(45, read.getJsonNumber("readSeq").longValue());
        assertEquals(15, read.getJsonNumber("unread").longValue());

        // Removed: a room frame, and nothing about the room after it.
        assertEquals(204, Chat.call("DELETE", "/chat/ws/rooms/" + room + "/members/" + alice.id(), owner, null).status());
        JsonObject removed = next(me, "room");
        assertEquals("removed", removed.getString("action"));
        assertEquals(room, removed.getJsonObject("room").getString("id"));
        owners.sendAndAwait("after ", 1, 3);
        assertNull(me.next(1000), "nothing about a room the user left");
        owners.close();
        me.close();
    }

    @Test
    void aDeletedRoomIsAnnouncedAndARevokedTokenClosesTheSocket() throws Exception {
        User owner = Chat.register();
        User alice = Chat.register();
        String room = Chat.createRoom(GochatSystem.server(), owner, "private");
        assertEquals(201, Chat.call("PUT", "/chat/ws/rooms/" + room + "/members/" + alice.id(), owner, null).status());
        ChatSocket me = ChatSocket.me(Chat.base(), alice.bearer());
        ChatSocket owners = ChatSocket.me(Chat.base(), owner.bearer());
        assertEquals(204, Chat.call("DELETE", "/chat/ws/rooms/" + room, owner, null).status());
        for (ChatSocket s : List.of(me, owners)) {
            JsonObject deleted = next(s, "room");
            assertEquals("deleted", deleted.getString("action"));
            assertEquals(room, deleted.getJsonObject("room").getString("id"));
        }

        Http.Response logout = Http.send(HttpRequest.newBuilder(Chat.base().resolve("/auth/logout"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + alice.token()));
        assertEquals(202, logout.status(), logout.body());
        assertEquals(1008, me.closeCode(10));
        owners.close();
    }

    /** The next frame of this type (failing on any other type first), within 10 s. */
    private static JsonObject next(ChatSocket socket, String type) throws InterruptedException {
        JsonObject frame = socket.next(10_000);
        assertTrue(frame != null, "no " + type + " frame within 10 s");
        assertEquals(type, frame.getString("type"), frame.toString());
        return frame;
    }
}
