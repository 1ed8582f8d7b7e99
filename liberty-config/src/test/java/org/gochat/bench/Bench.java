package org.gochat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

import org.gochat.system.LibertyServer;
import org.gochat.system.TestSystem;
import org.gochat.testkit.TestPostgres;
import org.gochat.testkit.User;

/** What the user-service benchmarks share: a PostgreSQL and a server of their own, real tokens, timing. */
final class Bench implements AutoCloseable {

    private final Path data;
    private final TestSystem system;
    final TestPostgres postgres;
    final LibertyServer server;
    final HttpClient client = HttpClient.newHttpClient();

    Bench(String name) throws IOException {
        this(name, Map.of());
    }

    /** {@code env} adds to (or overrides) the system servers' environment. */
    Bench(String name, Map<String, String> env) throws IOException {
        data = Files.createTempDirectory("gochat-" + name);
        system = TestSystem.start("gochat-" + name, data, environment -> environment.putAll(env));
        postgres = system.postgres();
        server = system.server();
    }

    /** A benchmark's {@code key=value} arguments, as system properties. */
    static void settings(String[] args) {
        for (String arg : String.join(" ", args).trim().split("\\s+")) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                System.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
    }

    /** The {@code GOCHAT_*} settings among the benchmark's arguments: the servers' environment, as given. */
    static Map<String, String> serverSettings() {
        Map<String, String> settings = new HashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("GOCHAT_"))
                .forEach(k -> settings.put(k, System.getProperty(k)));
        return settings;
    }

    User register() {
        return User.register(server.uri(""));
    }

    HttpRequest.Builder request(String path, User user) {
        return HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + user.token());
    }

    /** Sends {@code n} requests one after another (after {@code n / 5} to warm up); prints p50 and p99. */
    void latency(String label, int n, IntFunction<URI> uri, User user) throws Exception {
        for (int i = 0; i < n / 5; i++) {
            send(uri.apply(i), user);
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            URI u = uri.apply(i);
            long start = System.nanoTime();
            send(u, user);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("%-40s n=%d  p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", label, n,
                nanos[n / 2] / 1e6, nanos[(int) (n * 0.99)] / 1e6, nanos[n - 1] / 1e6);
    }

    private void send(URI uri, User user) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + user.token()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** Runs statements on an autocommit connection (so VACUUM works). */
    void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** The process id of the PostgreSQL server (the parent of a backend it runs for us). */
    long postgresPid() throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                Statement s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return Proc.parent(rs.getLong(1));
        }
    }

    @Override
    public void close() {
        try {
            system.close();
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + data + ": " + e);
            }
        }
    }
}
