package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonArray;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;

/**
 * Stopping and crashing a server on its embedded database. The run command stopped with SIGTERM
 * under chat traffic stops in order: the applications first, then the database, so the last
 * message a sender saw acknowledged is stored; it takes seconds and exits 0. A server killed with
 * SIGKILL leaves its PostgreSQL running; the next start on the same data folder takes it over.
 */
class EmbeddedDatabaseStopIT {

    private static final String ADMIN_API = "/ibm/api/adminCenter/v1/toolbox";

    @Test
    void aStoppedRunCommandKeepsTheLastMessageAndAKilledServersDatabaseIsTakenOver() throws Exception {
        Map<String, String> env = new HashMap<>(DataFolderIT.embedded("stop-" + UUID.randomUUID()));
        Path data = Path.of(env.get("GOCHAT_DATA_DIR"));
        // The run command generates what is not set: the keystore's and the Admin Center's passwords.
        env.remove("GOCHAT_ADMIN_PASSWORD");
        env.put("GOCHAT_KEYSTORE_PASSWORD", "");
        LibertyServer server = LibertyServer.fresh("gochat-it-run", env);
        Process run = server.runCommand();
        User user;
        String room;
        List<Long> received;
        try {
            server.awaitReady(Duration.ofMinutes(12));
            assertGeneratedPasswordsStayInTheDataFolder(server, data);
            user = Chat.register(server);
            room = Chat.createRoom(server, user);
            ChatSocket socket = Chat.join(server, user, room, 0);
            CompletableFuture<Integer> sender = CompletableFuture.supplyAsync(() -> OrderlyStopIT.sendUntilClosed(socket));
            Thread.sleep(1_500);

            long start = System.nanoTime();
            run.destroy(); // SIGTERM, as an init system or a container runtime stops the run command
            assertTrue(run.waitFor(2, TimeUnit.MINUTES), "the run command stopped");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            int sent = sender.join();
            received = socket.remainingSeqs();

            assertEquals(0, run.exitValue(), "a requested stop is a success: " + Files.readString(server.serverDir().resolve("run.out")));
            assertTrue(seconds < 60, "stopped in " + seconds + " s");
            assertTrue(received.size() > 20, "traffic was flowing: " + received.size() + " of " + sent + " came back");
            assertFalse(Files.exists(data.resolve("pgdata/postmaster.pid")), "the database stopped with the server");
            assertFalse(Files.readString(server.messagesLog()).contains("J2CA0056I"),
                    "no connection failed under the applications while stopping");
        } finally {
            if (run.isAlive()) { // a failure above: stop it in order all the same
                run.destroy();
                run.waitFor(2, TimeUnit.MINUTES);
            }
        }

        // A fresh copy of the server on the same data folder has every acknowledged message.
        env.put("GOCHAT_KEYSTORE_PASSWORD", Files.readString(data.resolve("keystore-password")));
        LibertyServer again = LibertyServer.fresh("gochat-it-run-2", env).start();
        long postgres;
        try {
            JsonArray history = Chat.get(again, "/chat/ws/rooms/" + room + "/messages?limit=100", user).jsonArray();
            long lastStored = history.getJsonObject(history.size() - 1).getJsonNumber("seq").longValueExact();
            assertEquals(Collections.max(received), lastStored, "the last acknowledged message is the last stored");
            postgres = Long.parseLong(Files.readAllLines(data.resolve("pgdata/postmaster.pid")).get(0).trim());
        } catch (RuntimeException | AssertionError e) {
            again.stop();
            throw e;
        }

        again.kill(); // SIGKILL: its PostgreSQL stays behind, an orphan of this data folder
        assertTrue(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false), "PostgreSQL outlived its server");

        LibertyServer third = LibertyServer.fresh("gochat-it-run-3", env).start();
        try {
            assertFalse(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false), "the orphan was stopped");
            assertEquals(200, Chat.get(third, "/user/me", user).status(), "the token issued before");
            assertEquals(200, Chat.get(third, "/chat/ws/rooms/" + room + "/messages", user).status());
        } finally {
            third.stop();
        }
        assertFalse(Files.readString(third.messagesLog()).contains("J2CA0056I"), "a stop with `server stop` too");
    }

    /**
     * Owner-only files, the keystore opens with the generated password, the administrator logs in, and the Admin Center password
     * is not printed to an output that is not a terminal: the run says where the file is instead.
     */
    private static void assertGeneratedPasswordsStayInTheDataFolder(LibertyServer server, Path data) throws Exception {
        for (String file : List.of("keystore-password", "admin-password")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(file))), file);
        }
        String admin = Files.readString(data.resolve("admin-password")).trim();
        String out = Files.readString(server.serverDir().resolve("run.out"));
        assertFalse(out.contains(admin), "the password is not in the output");
        assertTrue(out.contains("password in " + data.resolve("admin-password")), out);
        HttpClient tls = HttpClient.newBuilder().sslContext(server.tls()).build(); // the keystore opens with it
        assertEquals(200, Http.send(tls, HttpRequest.newBuilder(server.httpsUri(ADMIN_API))
                .header("Authorization", Http.basic("admin", admin))).status(), "the generated administrator");
    }
}
