package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.gochat.testkit.Http;
import org.gochat.testkit.Ports;
import org.gochat.testkit.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar of the package profile ({@code ./mvnw -Ppackage verify}; only that profile runs
 * this test): small, with the Liberty features server.xml uses and nothing a test or a local run
 * left behind; run as a first-time user runs it, it keeps its keys and cleans up after itself.
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

    /**
     * The jar as a first-time user runs it: {@code java -jar gochat.jar} with no password of any kind
     * set. It generates its keystore's password and opens HTTPS; stopped with SIGTERM it exits and
     * leaves nothing of its unpacked copy but that run's logs; started again, it accepts the token it issued before and serves
     * the same keystore.
     */
    @Test
    void theJarKeepsItsKeysAcrossRestartsAndCleansUpAfterItself() throws Exception {
        Path extractRoot = Files.createDirectories(Path.of("target/jar-extract").toAbsolutePath());
        LibertyServer.deleteTree(extractRoot.resolve("run"));
        Map<String, String> env = DataFolderIT.embedded("jar-" + UUID.randomUUID());
        env.remove("GOCHAT_ADMIN_PASSWORD");
        env.put("GOCHAT_HTTP_PORT", String.valueOf(Ports.free()));
        env.put("GOCHAT_HTTPS_PORT", String.valueOf(Ports.free()));
        env.put("WLP_JAR_EXTRACT_ROOT", extractRoot.resolve("run").toString());
        Path data = Path.of(env.get("GOCHAT_DATA_DIR"));
        URI base = URI.create("http://localhost:" + env.get("GOCHAT_HTTP_PORT"));

        String token;
        Process first = startJar(env, "first");
        try {
            awaitReady(first, base);
            token = User.register(base).token();
            assertEquals(200, httpsReady(env, data), "HTTPS with the generated keystore password");
        } finally {
            first.destroy(); // SIGTERM
        }
        assertTrue(first.waitFor(2, TimeUnit.MINUTES), "the jar stopped");
        // 143: the JVM's own exit status after SIGTERM (128 + 15), which init systems and container runtimes expect
        assertTrue(first.exitValue() == 0 || first.exitValue() == 143, "exit status " + first.exitValue());
        awaitOnlyLogsLeft(extractRoot.resolve("run"));
        byte[] keystore = Files.readAllBytes(data.resolve("key.p12"));

        Process again = startJar(env, "again");
        try {
            awaitReady(again, base);
            assertEquals(200, Http.send(HttpRequest.newBuilder(base.resolve("/user/me"))
                    .header("Authorization", "Bearer " + token)).status(), "the token issued before the restart");
            assertEquals(200, httpsReady(env, data));
            assertArrayEquals(keystore, Files.readAllBytes(data.resolve("key.p12")), "the same keystore");
        } finally {
            again.destroy();
            again.waitFor(2, TimeUnit.MINUTES);
        }
    }

    private static Process startJar(Map<String, String> env, String name) throws IOException {
        Path out = Path.of("target/jar-" + name + ".out").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        pb.environment().remove("GOCHAT_KEYSTORE_PASSWORD");
        pb.environment().remove("GOCHAT_ADMIN_PASSWORD");
        return pb.start();
    }

    private static void awaitReady(Process jarProcess, URI base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        while (System.nanoTime() < deadline && jarProcess.isAlive()) {
            try {
                if (HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the jar did not become ready (alive: " + jarProcess.isAlive() + ")");
    }

    /**
     * The jar deletes its unpacked copy shortly after it ends (a process of its own waits for it to
     * end), all but the run's logs folder, which Liberty keeps; a later start removes those of older runs.
     */
    private static void awaitOnlyLogsLeft(Path extractRoot) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Path> left;
        do {
            Thread.sleep(500);
            try (Stream<Path> files = Files.walk(extractRoot)) {
                left = files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/wlp/usr/servers/gochat/logs/")).toList();
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), left, "left of the unpacked copy in " + extractRoot);
    }

    private static int httpsReady(Map<String, String> env, Path data) throws InterruptedException {
        return LibertyServer.awaitHttpsReady(Integer.parseInt(env.get("GOCHAT_HTTPS_PORT")), data, null).statusCode();
    }

    private static String text(String entry) throws IOException {
        return new String(archive.getInputStream(archive.getJarEntry(entry)).readAllBytes(), StandardCharsets.UTF_8);
    }
}
