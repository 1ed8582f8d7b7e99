package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The caller a handshake verified travels with that connection only: many users opening their
 * sockets at the same moment each speak as themselves (the endpoint's configuration is shared by
 * every connection; what a handshake adds to it must not be).
 */
@ExtendWith(GochatSystem.class)
class ConcurrentHandshakesIT {

    @Test
    void everyConnectionOfSimultaneousHandshakesSpeaksAsItsOwnUser() throws Exception {
        int users = 40;
        List<User> people = new ArrayList<>();
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            User user = Chat.register();
            people.add(user);
            rooms.add(Chat.createRoom(user));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(users);
        try {
            List<CompletableFuture<JsonObject>> echoes = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                User user = people.get(i);
                String room = rooms.get(i);
                echoes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        ChatSocket socket = Chat.join(user, room);
                        try {
                            socket.send("{\"content\":\"who am I\"}");
                            return socket.next("message", 1, 30).get(0);
                        } finally {
                            socket.close();
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            go.countDown();
            for (int i = 0; i < users; i++) {
                JsonObject echo = echoes.get(i).join();
                assertEquals(people.get(i).id(), echo.getJsonNumber("userId").longValueExact(), echo.toString());
                assertEquals(people.get(i).username(), echo.getString("username"));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
