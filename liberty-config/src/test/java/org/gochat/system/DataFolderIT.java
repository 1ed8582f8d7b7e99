package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import org.gochat.testkit.Ports;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;

/**
 * A server on its embedded database (no GOCHAT_DB_URL), as the run command and the runnable jar
 * start it: its generated state lives in one data folder (GOCHAT_DATA_DIR), owner-only; a fresh
 * copy of the server (a new unpacking of the jar) on the same folder accepts the tokens issued
 * before and serves HTTPS with the same keystore, whose password the server generated; the database takes only password connections on 127.0.0.1; and a second server on the
 * same folder is refused without touching the first one's database.
 */
class DataFolderIT {

    @Test
    void generatedStateOutlivesTheServerFolderAndTheDatabaseWantsItsPassword() throws Exception {
        Map<String, String> env = embedded("data-" + UUID.randomUUID());
        env.put("GOCHAT_KEYSTORE_PASSWORD", ""); // not set, as in the jar or the container: the server generates it
        Path data = Path.of(env.get("GOCHAT_DATA_DIR"));
        int dbPort = Integer.parseInt(env.get("GOCHAT_EMBEDDED_DB_PORT"));
        User user;
        String room;
        Certificate certificate;
        LibertyServer first = LibertyServer.fresh("gochat-it-data-1", env).start();
        try {
            user = Chat.register(first);
            room = Chat.createRoom(first, user);

            assertOwnerOnly(data);
            certificate = awaitCertificate(first);
            String password = Files.readString(data.resolve("db-password")).trim();
            assertRefused(dbPort, null);
            assertRefused(dbPort, "wrong-" + password);
            try (Connection c = connect(dbPort, password); Statement s = c.createStatement()) {
                assertEquals("127.0.0.1", show(s, "listen_addresses"));
                assertEquals("", show(s, "unix_socket_directories"), "no Unix socket");
                assertEquals("scram-sha-256", show(s, "password_encryption"));
                try (ResultSet rs = s.executeQuery("SELECT type, address, auth_method FROM pg_hba_file_rules")) {
                    int rules = 0;
                    while (rs.next()) {
                        rules++;
                        assertEquals("host", rs.getString(1));
                        assertEquals("127.0.0.1", rs.getString(2));
                        assertEquals("scram-sha-256", rs.getString(3));
                    }
                    assertEquals(1, rules, "one rule: password connections from this machine");
                }
            }
            assertTrue(Files.readAllLines(data.resolve("pgdata/pg_hba.conf")).stream()
                    .filter(line -> !line.strip().startsWith("#")).noneMatch(line -> line.contains("trust")),
                    "pg_hba.conf trusts no one");

            // A second server with the same data folder (and so the same database port) is refused, clearly.
            Map<String, String> secondEnv = new HashMap<>(env);
            secondEnv.put("GOCHAT_NODE_ID", "second");
            LibertyServer second = LibertyServer.fresh("gochat-it-data-2", secondEnv);
            try {
                second.launch();
                awaitLog(second, "GoChat's data folder " + data + " is in use: another running GoChat server (process "
                        + first.process().pid() + ")");
            } finally {
                second.stop();
            }
            // ... and the first one's database was not touched: it still works.
            assertEquals(200, Chat.get(first, "/chat/ws/rooms/" + room + "/messages", user).status());
            assertEquals(201, Chat.post(first, "/chat/ws/createRoom", user,
                    "{\"id\":\"r-" + UUID.randomUUID() + "\",\"name\":\"after the second\"}").status());
        } finally {
            first.stop();
        }

        // A fresh copy of the server folder, as the jar unpacks on every start: same key, same database.
        LibertyServer again = LibertyServer.fresh("gochat-it-data-3", env).start();
        try {
            assertEquals(200, Chat.get(again, "/user/me", user).status(), "the token issued before the restart");
            assertEquals(200, Chat.get(again, "/chat/ws/rooms/" + room + "/messages", user).status());
            assertEquals(certificate, awaitCertificate(again), "the same keystore, opened with the kept password");
        } finally {
            again.stop();
        }
    }

    /** The certificate the server presents over HTTPS, once its port is open. */
    private static Certificate awaitCertificate(LibertyServer server) throws Exception {
        HttpResponse<Void> response = server.awaitHttpsReady();
        assertEquals(200, response.statusCode());
        return response.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    /** The environment of a server on the embedded database with a data folder and ports of its own. */
    static Map<String, String> embedded(String dataName) {
        Map<String, String> env = new HashMap<>();
        env.put("GOCHAT_DATA_DIR", Path.of("target/it-data", dataName).toAbsolutePath().toString());
        env.put("GOCHAT_EMBEDDED_DB_PORT", String.valueOf(Ports.free()));
        env.put("GOCHAT_PASSWORD_ITERATIONS", "1000");
        env.put("GOCHAT_ADMIN_PASSWORD", GochatSystem.ADMIN_PASSWORD);
        return env;
    }

    /** Waits until the server's messages.log contains {@code text}. */
    static void awaitLog(LibertyServer server, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(server.messagesLog()) && Files.readString(server.messagesLog()).contains(text)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not in " + server.messagesLog() + ": " + text);
    }

    private static void assertOwnerOnly(Path data) throws Exception {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        for (String secret : List.of("db-password", "jwt-signing-key.pem", "pgdata.lock", "keystore-password", "keystore.xml")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(secret))), secret);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("pgdata"))));
        // Everything else in it (Liberty's key.p12 gets Liberty's umask, o=): nothing for other users.
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                assertTrue(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)).endsWith("---"),
                        "other users may not read " + f);
            }
        }
    }

    private static void assertRefused(int port, String password) {
        SQLException refused = assertThrows(SQLException.class, () -> connect(port, password).close());
        assertTrue("28P01".equals(refused.getSQLState()) || "08004".equals(refused.getSQLState()),
                refused.getSQLState() + " " + refused.getMessage());
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
