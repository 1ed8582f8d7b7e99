package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server stopped (SIGTERM, as a container runtime stops it) under chat traffic: what it accepted
 * is stored and delivered to every member before their connections close with 1001, so nothing a
 * sender saw acknowledged is lost. The server here is one of its own on the system's database,
 * since the test stops it.
 */
@ExtendWith(GochatSystem.class)
class OrderlyStopIT {

    private static final int GOING_AWAY = 1001;

    @Test
    void stoppingUnderTrafficStoresAndDeliversWhatWasAcceptedThenClosesWith1001() throws Exception {
        Map<String, String> env = new HashMap<>(GochatSystem.environment(GochatSystem.postgres()));
        env.put("GOCHAT_NODE_ID", "gochat-it-stop");
        LibertyServer server = new LibertyServer("gochat-it-stop", env).start();
        boolean stopped = false;
        try {
            List<User> users = List.of(Chat.register(server), Chat.register(server), Chat.register(server));
            String room = Chat.createRoom(server, users.get(0));
            List<ChatSocket> sockets = new ArrayList<>();
            for (User u : users) {
                sockets.add(Chat.join(server, u, room, 0));
            }
            // Each member sends about 50 messages a second until its connection is gone.
            List<CompletableFuture<Integer>> senders = sockets.stream()
                    .map(s -> CompletableFuture.supplyAsync(() -> sendUntilClosed(s))).toList();
            Thread.sleep(1_500);

            server.terminate();
            stopped = true;

            int sent = 0;
            for (CompletableFuture<Integer> f : senders) {
                sent += f.join();
            }
            long stored = Chat.storedMessages(room);
            assertTrue(stored > 50, "traffic was flowing when the server stopped: " + stored + " stored of " + sent + " sent");
            List<Long> everyStored = LongStream.rangeClosed(1, stored).boxed().toList();
            for (int i = 0; i < sockets.size(); i++) {
                ChatSocket s = sockets.get(i);
                assertEquals(GOING_AWAY, s.closeCode(10), "closed with 1001 (going away)");
                // Every message stored (and so every one a sender saw come back) reached every member, in order, once.
                assertEquals(everyStored, s.remainingSeqs(), "member " + i + " received every stored message");
            }
        } finally {
            if (!stopped) {
                server.stop();
            }
        }
    }

    /** Sends about 50 messages a second until the socket refuses; returns how many sends went out. */
    static int sendUntilClosed(ChatSocket s) {
        int n = 0;
        try {
            while (n < 5_000) {
                s.send("s-" + n);
                n++;
                Thread.sleep(20);
            }
        } catch (CompletionException | IllegalStateException e) {
            return n; // the connection is closing or closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return n;
    }
}
