package org.gochat.system;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.gochat.testkit.TestPostgres;

/**
 * A PostgreSQL of the tests' own and one GoChat server pointed at it, started together and
 * stopped together (the server first): the system tests' and the benchmarks' system under test.
 */
public record TestSystem(TestPostgres postgres, LibertyServer server) implements AutoCloseable {

    /** Starts both with {@link GochatSystem#environment(TestPostgres) the system servers' environment}. */
    public static TestSystem start(String serverName, Path pgData) {
        return start(serverName, pgData, env -> { });
    }

    /** The same after {@code adjust} has changed (a copy of) that environment. */
    public static TestSystem start(String serverName, Path pgData, Consumer<Map<String, String>> adjust) {
        TestPostgres postgres = new TestPostgres(pgData).start();
        try {
            Map<String, String> env = new HashMap<>(GochatSystem.environment(postgres));
            adjust.accept(env);
            return new TestSystem(postgres, new LibertyServer(serverName, env).start());
        } catch (RuntimeException e) {
            postgres.stop();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            postgres.stop();
        }
    }
}
