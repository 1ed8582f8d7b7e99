package org.gochat.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.gochat.testkit.Http;
import org.gochat.testkit.Ports;

/**
 * One GoChat server, a copy of the assembled server (target/liberty/wlp/usr/servers/gochat) under
 * its own name, started with the real {@code bin/server} script and the given environment.
 */
public final class LibertyServer implements AutoCloseable {

    private static final Path WLP = Path.of(System.getProperty("gochat.wlp.dir", "target/liberty/wlp"));

    private final String name;
    private final Map<String, String> env = new HashMap<>();
    /** The plain-HTTP port, or -1 when {@code env} turns plain HTTP off. */
    final int httpPort;
    final int httpsPort = Ports.free();

    /** A server named {@code name}, laid out from the assembled one; {@code env} adds to the free ports it gets. */
    public LibertyServer(String name, Map<String, String> env) {
        this.name = name;
        this.env.putAll(env);
        this.httpPort = "-1".equals(env.get("GOCHAT_HTTP_PORT")) ? -1 : Ports.free();
        this.env.put("GOCHAT_HTTP_PORT", String.valueOf(httpPort));
        this.env.put("GOCHAT_HTTPS_PORT", String.valueOf(httpsPort));
        this.env.putIfAbsent("GOCHAT_NODE_ID", name);
        // Its own generated state (keystore, keys, an embedded database), never the user's ~/.gochat.
        this.env.putIfAbsent("GOCHAT_DATA_DIR", Path.of("target/it-data", name).toAbsolutePath().toString());
        // The same on every run: the keystore in target/it-data outlives a run.
        this.env.putIfAbsent("GOCHAT_KEYSTORE_PASSWORD", "it-keystore-" + name);
        copyServer(WLP.resolve("usr/servers/gochat"), serverDir());
    }

    /** A fresh copy of the assembled server named {@code name}, as a new unpacking of the runnable jar is. */
    static LibertyServer fresh(String name, Map<String, String> env) {
        deleteServer(name);
        return new LibertyServer(name, env);
    }

    Path dataDir() {
        return Path.of(env.get("GOCHAT_DATA_DIR"));
    }

    Path serverDir() {
        return WLP.resolve("usr/servers").resolve(name);
    }

    Path messagesLog() {
        return serverDir().resolve("logs/messages.log");
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    URI httpsUri(String path) {
        return URI.create("https://localhost:" + httpsPort + path);
    }

    /** The body of {@code /metrics} plus {@code query}, read over HTTPS as the administrator (it answers no one else). */
    public String metrics(String query) {
        Http.Response response = metricsAnswer(query);
        if (response.status() != 200) {
            throw new IllegalStateException("/metrics" + query + " answered " + response.status() + ": " + response.body());
        }
        return response.body();
    }

    /** The answer to {@code /metrics} plus {@code query}, asked over HTTPS as the administrator. */
    Http.Response metricsAnswer(String query) {
        HttpClient client = HttpClient.newBuilder().sslContext(tls()).build();
        return Http.send(client, HttpRequest.newBuilder(httpsUri("/metrics" + query)).header("Authorization",
                Http.basic(env.getOrDefault("GOCHAT_ADMIN_USER", "admin"), env.get("GOCHAT_ADMIN_PASSWORD"))));
    }

    /** TLS that trusts this server's own certificate (generated on first start in the data folder's key.p12). */
    SSLContext tls() {
        return trusting(dataDir(), env.get("GOCHAT_KEYSTORE_PASSWORD"));
    }

    /** TLS that trusts the certificate in {@code dataDir}'s key.p12, opened with {@code password} (blank: the generated one kept there). */
    static SSLContext trusting(Path dataDir, String password) {
        try (InputStream in = Files.newInputStream(dataDir.resolve("key.p12"))) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            if (password == null || password.isBlank()) { // the server or the run command generated it
                password = Files.readString(dataDir.resolve("keystore-password")).trim();
            }
            keyStore.load(in, password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #awaitHttpsReady(int, Path, String)} for this server. */
    HttpResponse<Void> awaitHttpsReady() throws InterruptedException {
        return awaitHttpsReady(httpsPort, dataDir(), env.get("GOCHAT_KEYSTORE_PASSWORD"));
    }

    /**
     * The answer to /health/ready over HTTPS on {@code httpsPort}, trusting the keystore in
     * {@code dataDir} (see {@link #trusting}), once that port is open: it opens once the keystore
     * has a password, which a first start without one generates a few seconds after it starts.
     */
    static HttpResponse<Void> awaitHttpsReady(int httpsPort, Path dataDir, String password) throws InterruptedException {
        URI ready = URI.create("https://localhost:" + httpsPort + "/health/ready");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            try {
                return HttpClient.newBuilder().sslContext(trusting(dataDir, password)).build()
                        .send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException | UncheckedIOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no HTTPS on " + ready, e);
                }
                Thread.sleep(250);
            }
        }
    }

    public LibertyServer start() {
        try {
            run("start", Duration.ofMinutes(6));
            awaitReady(Duration.ofMinutes(4));
            return this;
        } catch (RuntimeException e) {
            stop(); // never leave a half-started server behind
            throw e;
        }
    }

    /** Starts the server without waiting for its applications (which may be refused to start). */
    void launch() {
        run("start", Duration.ofMinutes(6));
    }

    /**
     * Runs the server as {@code ./mvnw -Prun package} does, through the run command
     * (src/main/run/ServerRun.java, {@code bin/server run} in the foreground), output to run.out.
     */
    Process runCommand() {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", serverDir().resolve("lib/gochat/gochat-db.jar").toString(),
                Path.of("src/main/run/ServerRun.java").toAbsolutePath().toString(), WLP.toString(), name)
                .redirectErrorStream(true)
                .redirectOutput(serverDir().resolve("run.out").toFile());
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's JVM (its process id from the server's pid file). */
    public ProcessHandle process() {
        try {
            long pid = Long.parseLong(Files.readString(WLP.resolve("usr/servers/.pid/" + name + ".pid")).trim());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("server " + name + " is not running"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the server's JVM with SIGKILL: no shutdown of any kind, as in a crash. */
    public void kill() {
        signal(true, Duration.ofSeconds(30));
    }

    /** Stops the server with SIGTERM, as a container runtime or an init system does, and waits for its exit. */
    public void terminate() {
        signal(false, Duration.ofMinutes(2));
    }

    private void signal(boolean kill, Duration wait) {
        try {
            ProcessHandle process = process();
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            process.onExit().get(wait.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot signal server " + name, e);
        }
    }

    public void stop() {
        run("stop", Duration.ofMinutes(2));
    }

    @Override
    public void close() {
        stop();
    }

    /** Waits until {@code /health/ready} answers 200 (over HTTPS when plain HTTP is off). */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                boolean https = httpPort < 0;
                HttpClient client = https ? HttpClient.newBuilder().sslContext(tls()).build() : HttpClient.newHttpClient();
                URI ready = https ? httpsUri("/health/ready") : uri("/health/ready");
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(ready).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException | UncheckedIOException e) {
                // not listening yet, or (HTTPS) its keystore not yet written
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException("server " + name + " not ready after " + timeout + "; see " + messagesLog());
    }

    private void run(String action, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(List.of(WLP.resolve("bin/server").toString(), action, name))
                .redirectErrorStream(true)
                .redirectOutput(serverDir().resolve(action + ".out").toFile());
        pb.environment().putAll(env);
        pb.environment().values().removeIf(String::isBlank); // blank here means: not set, as an operator leaves it
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("server " + action + " " + name + " took over " + timeout);
            }
            if (p.exitValue() != 0 && !"stop".equals(action)) {
                throw new IllegalStateException("server " + action + " " + name + " exited " + p.exitValue()
                        + ": " + Files.readString(serverDir().resolve(action + ".out")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteServer(String name) {
        deleteTree(WLP.resolve("usr/servers").resolve(name));
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyServer(Path from, Path to) {
        if (from.equals(to)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(source);
                if (rel.startsWith("logs") || rel.startsWith("workarea") || rel.startsWith("tranlog")) {
                    continue;
                }
                Path target = to.resolve(rel);
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
