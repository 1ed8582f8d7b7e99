package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Typing indicators over real sockets on two servers of one database: forwarded to the room's other
 * members on both, at most one per user per room every 3 seconds whatever the user's connections
 * and servers, never stored, never given a seq, and never in the way of the stored stream.
 */
@ExtendWith(GochatSystem.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypingIT {

    private static final String TYPING = "{\"type\":\"typing\"}";

    private LibertyServer a;
    private LibertyServer b;

    @BeforeAll
    void servers() {
        a = GochatSystem.server();
        b = GochatSystem.secondNode();
    }

    /** The typing frames a socket receives within {@code millis}. */
    private static List<JsonObject> typing(ChatSocket s, long millis) throws InterruptedException {
        return MessageLifecycleIT.frames(s, millis).stream().filter(f -> f.getString("type").equals("typing")).toList();
    }

    @Test
    void oneIndicatorPerUserPerRoomEvery3SecondsReachesTheOtherMembersOnBothServersAndIsNeverStored() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        User carol = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket aliceOnA = Chat.join(a, alice, room, -1);
        ChatSocket aliceOnB = Chat.join(b, alice, room, -1);
        ChatSocket bobOnB = Chat.join(b, bob, room, -1);
        ChatSocket carolOnA = Chat.join(a, carol, room, -1);
        Thread.sleep(500); // the join events

        aliceOnA.send(TYPING);
        Thread.sleep(300); // the first indicator's notification reaches the other server
        for (int i = 0; i < 5; i++) {
            aliceOnA.send(TYPING);
            aliceOnB.send(TYPING);
        }
        for (ChatSocket other : List.of(bobOnB, carolOnA)) {
            List<JsonObject> got = typing(other, 2_000);
            assertEquals(1, got.size(), "one indicator in 3 s, whatever the user's connections and servers: " + got);
            JsonObject t = got.get(0);
            assertEquals(room, t.getString("roomId"));
            assertEquals(alice.id(), t.getJsonNumber("userId").longValueExact());
            assertEquals(alice.username(), t.getString("username"));
            assertEquals(4, t.size(), "type, roomId, userId, username only: " + t);
            assertFalse(t.containsKey("seq"));
        }
        for (ChatSocket own : List.of(aliceOnA, aliceOnB)) {
            assertEquals(List.of(), typing(own, 200), "the typist's own connections hear nothing");
        }

        Thread.sleep(1_200); // past the 3 s since the first
        aliceOnB.send(TYPING);
        bobOnB.send(TYPING);
        assertEquals(List.of(alice.id()), typing(carolOnA, 2_000).stream()
                .map(t -> t.getJsonNumber("userId").longValueExact()).filter(id -> id == alice.id()).toList());

        assertEquals(0, Social.number("SELECT last_seq FROM rooms WHERE id = ?", room), "nothing stored, no seq taken");
        assertEquals(0, Social.number("SELECT count(*) FROM messages WHERE room_id = ?", room));
        List.of(aliceOnA, aliceOnB, bobOnB, carolOnA).forEach(ChatSocket::close);
    }

    @Test
    void indicatorsAmongMessagesLeaveTheStreamAndItsResumeAsTheyWere() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket aliceSocket = Chat.join(a, alice, room, -1);
        ChatSocket bobSocket = Chat.join(b, bob, room, -1);
        for (int i = 1; i <= 20; i++) {
            aliceSocket.send(TYPING);
            aliceSocket.send("m" + i);
            bobSocket.send(TYPING);
        }
        List<JsonObject> got = bobSocket.next("message", 20, 20);
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(), Chat.seqs(got));
        ChatSocket resumed = Chat.join(b, bob, room, 10);
        assertEquals(java.util.stream.LongStream.rangeClosed(11, 20).boxed().toList(),
                Chat.seqs(resumed.next("message", 10, 10)));
        assertEquals(List.of(), MessageLifecycleIT.stream(resumed, 1, 1), "nothing more");
        assertEquals(20, Chat.storedMessages(room));
        List.of(aliceSocket, bobSocket, resumed).forEach(ChatSocket::close);
    }

    @Test
    void aTypingFrameThatIsNotAnObjectOfThatTypeIsAMessageAsBefore() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket s = Chat.join(a, alice, room, -1);
        s.send("{\"type\":\"other\",\"content\":\"still a message\"}");
        s.send("{\"type\":\"typing\"} as text");
        List<JsonObject> got = s.next("message", 2, 10);
        assertEquals(List.of("still a message", "{\"type\":\"typing\"} as text"),
                got.stream().map(m -> m.getString("content")).toList());
        s.close();
    }
}
