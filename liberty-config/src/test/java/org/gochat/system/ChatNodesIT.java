package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two GoChat servers on one PostgreSQL are one chat service: delivery, presence and revocation cross nodes. */
@ExtendWith(GochatSystem.class)
class ChatNodesIT {

    @Test
    void twoServersOnOneDatabaseDeliverOneSequenceToEveryMember() throws Exception {
        try (LibertyServer other = new LibertyServer("gochat-it-node2", GochatSystem.environment(GochatSystem.postgres())).start()) {
            Chat.User alice = Chat.register();
            Chat.User bob = Chat.register();
            String room = Chat.createRoom(alice);
            Socket onFirst = Chat.join(alice, room, 0);
            Socket onSecond = Socket.open(other.uri(""), room, "?since=0", bob.bearer());

            // Presence: the second node lists the user connected to the first, and its own.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int clients;
            do {
                Thread.sleep(100);
                clients = Http.send(HttpRequest.newBuilder(other.uri("/chat/ws/getClients/" + room))
                        .header("Authorization", "Bearer " + bob.token()).GET()).jsonArray().size();
            } while (clients < 2 && System.nanoTime() < deadline);
            assertEquals(2, clients);

            int each = 50;
            Thread first = Chat.started(() -> {
                for (int i = 0; i < each; i++) {
                    onFirst.send("{\"content\":\"a" + i + "\",\"clientMsgId\":\"a-" + i + "\"}");
                }
            });
            for (int i = 0; i < each; i++) {
                onSecond.send("{\"content\":\"b" + i + "\",\"clientMsgId\":\"b-" + i + "\"}");
            }
            first.join();
            List<String> seenFirst = sequence(onFirst.next("message", 2 * each, 30));
            List<String> seenSecond = sequence(onSecond.next("message", 2 * each, 30));
            assertEquals(2 * each, seenFirst.size());
            assertEquals(seenFirst, seenSecond, "both nodes deliver the same gapless sequence");

            // A logout on one node closes the token's socket on the other with 1008.
            Http.Response out = Http.send(HttpRequest.newBuilder(other.uri("/auth/logout"))
                    .header("Authorization", "Bearer " + alice.token()).POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(202, out.status(), out.body());
            long start = System.nanoTime();
            assertEquals(1008, onFirst.closeCode(5));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "closed within 2 s");
            onSecond.close();
        }
    }

    /** "seq clientMsgId" of each message, checking that the seqs run 1, 2, 3, ... */
    private static List<String> sequence(List<JsonObject> messages) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.get(i);
            assertEquals(i + 1, m.getJsonNumber("seq").longValueExact());
            seen.add(m.getJsonNumber("seq") + " " + m.getString("clientMsgId"));
        }
        return seen;
    }
}
