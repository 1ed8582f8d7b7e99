package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar of the package profile ({@code ./mvnw -Ppackage verify}; only that profile runs
 * this test): small, with the Liberty features server.xml uses and nothing a test or a local run
 * left behind.
 */
class PackageIT {

    private static final long MAX_BYTES = 150_000_000;
    private static final String SERVER = "wlp/usr/servers/gochat/";

    private static Path jar;
    private static JarFile archive;
    private static List<String> entries;

    @BeforeAll
    static void open() throws IOException {
        jar = Path.of(System.getProperty("gochat.package", "target/gochat.jar"));
        archive = new JarFile(jar.toFile());
        entries = archive.stream().map(JarEntry::getName).toList();
    }

    @AfterAll
    static void close() throws IOException {
        archive.close();
    }

    @Test
    void itIsUnder150Megabytes() throws IOException {
        assertTrue(Files.size(jar) < MAX_BYTES, jar + " has " + Files.size(jar) + " bytes");
    }

    /** Minified: the features of server.xml (and what they need), not Liberty's others. */
    @Test
    void itHoldsTheServersFeaturesAndNoOthers() {
        List<String> features = entries.stream().filter(e -> e.startsWith("wlp/lib/features/") && e.endsWith(".mf")).toList();
        for (String used : List.of("io.openliberty.restfulWS-3.1.mf", "io.openliberty.websocket-2.1.mf",
                "io.openliberty.mpMetrics-5.1.mf", "com.ibm.websphere.appserver.adminCenter-1.0.mf")) {
            assertTrue(features.contains("wlp/lib/features/" + used), used + " missing");
        }
        for (String unused : List.of("localConnector", "jwt-1.0", "mpJwt", "grpc", "graphql", "saml")) {
            assertEquals(List.of(), features.stream().filter(f -> f.contains(unused)).toList(), unused);
        }
        // nor their bundles and developer APIs (wlp/lib, wlp/dev): the runtime keeps only those of used features
        for (String unused : List.of("grpc", "graphql", "saml", "localConnector", "security.jwt")) {
            assertEquals(List.of(), entries.stream().filter(e -> e.toLowerCase().contains(unused.toLowerCase())).toList(), unused);
        }
    }

    @Test
    void itHoldsTheServerAsConfiguredAndNothingOfALocalRun() throws IOException {
        assertEquals(Files.readString(Path.of("src/main/liberty/config/server.xml")), text(SERVER + "server.xml"));
        for (String app : List.of("auth-war.war", "user-war.war", "chat-war.war")) {
            assertTrue(entries.contains(SERVER + "apps/" + app), app);
        }
        // Packaging minified starts the server's runtime once to find its features, which leaves the
        // server's lock file behind, empty: the one file of workarea/ that is not a local run's.
        String packagingLock = SERVER + "workarea/.sLock";
        assertEquals(0, archive.getJarEntry(packagingLock) == null ? 0 : archive.getJarEntry(packagingLock).getSize());
        for (String local : List.of("resources/", "logs/", "workarea/", "tranlog/", "apps/expanded/")) {
            assertEquals(List.of(), entries.stream()
                    .filter(e -> e.startsWith(SERVER + local) && !e.endsWith("/") && !e.equals(packagingLock)).toList(), local);
        }
        if (entries.contains(SERVER + "server.env")) {
            assertFalse(text(SERVER + "server.env").contains("keystore_password"), "a generated keystore_password in server.env");
        }
    }

    private static String text(String entry) throws IOException {
        return new String(archive.getInputStream(archive.getJarEntry(entry)).readAllBytes(), StandardCharsets.UTF_8);
    }
}
