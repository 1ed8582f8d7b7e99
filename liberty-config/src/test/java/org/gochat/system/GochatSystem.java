package org.gochat.system;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.gochat.testkit.Http;
import org.gochat.testkit.TestPostgres;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The system under test, started once for all system tests of a run and stopped after the last:
 * a PostgreSQL owned by the tests, and one GoChat server pointed at it through GOCHAT_DB_URL.
 */
public final class GochatSystem implements BeforeAllCallback {

    /** The Admin Center administrator's password of this run (the server has no default). */
    public static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();

    private static Running running;
    private static LibertyServer secondNode;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(Namespace.GLOBAL).getOrComputeIfAbsent(GochatSystem.class, k -> start());
    }

    static TestPostgres postgres() {
        return running.system.postgres();
    }

    static LibertyServer server() {
        return running.system.server();
    }

    /**
     * A second server of the same system (node "b": the same database and key), for the rules that
     * say "on every node": started by the first test that asks, stopped with the system. Tests that
     * stop, kill or configure their second server differently start their own.
     */
    static synchronized LibertyServer secondNode() {
        if (secondNode == null) {
            Map<String, String> env = new HashMap<>(environment(postgres()));
            env.put("GOCHAT_NODE_ID", "gochat-it-node-b");
            secondNode = new LibertyServer("gochat-it-node-b", env).start();
        }
        return secondNode;
    }

    /** The server's answer to {@code /metrics?scope=application} once ready, before any test's traffic. */
    static Http.Response metricsAtStart() {
        return running.metricsAtStart;
    }

    /**
     * The environment of the system server, for any further server of the same system: the same
     * database, token key and administrator, a low password-hash cost so tests do not wait on
     * hashing, room for the concurrent registrations of tests that all come from one client address,
     * and one extra allowed WebSocket origin.
     */
    public static Map<String, String> environment(TestPostgres postgres) {
        return environment(postgres.jdbcUrl());
    }

    /** The same environment for a server on the PostgreSQL at {@code jdbcUrl} (user and password postgres). */
    public static Map<String, String> environment(String jdbcUrl) {
        return Map.of(
                "GOCHAT_DB_URL", jdbcUrl,
                "GOCHAT_DB_USER", "postgres",
                "GOCHAT_DB_PASSWORD", "postgres",
                "GOCHAT_JWT_KEY", jwtKey().toString(),
                "GOCHAT_PASSWORD_ITERATIONS", "1000",
                "GOCHAT_PASSWORD_HASHES_PER_CLIENT", "100",
                "GOCHAT_ALLOWED_ORIGINS", "https://chat.example.org",
                "GOCHAT_ADMIN_PASSWORD", ADMIN_PASSWORD);
    }

    /** The token signing key of the system's servers; the server creates it on first start. */
    static Path jwtKey() {
        return Path.of("target/it-jwt-key.pem").toAbsolutePath();
    }

    private static synchronized Running start() {
        TestSystem system = TestSystem.start("gochat-it", Path.of("target/it-pgdata"));
        try {
            running = new Running(system, MetricsIT.applicationMetrics(system.server()));
            return running;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    private record Running(TestSystem system, Http.Response metricsAtStart) implements CloseableResource {
        @Override
        public void close() {
            synchronized (GochatSystem.class) {
                if (secondNode != null) {
                    secondNode.stop();
                    secondNode = null;
                }
            }
            system.close();
        }
    }
}
