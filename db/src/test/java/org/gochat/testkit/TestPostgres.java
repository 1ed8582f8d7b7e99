package org.gochat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The one PostgreSQL the tests and benchmarks start: a real PostgreSQL (the embedded one the
 * product runs, from the same binaries) owned by the test JVM, on a free port, trusting local
 * connections (user {@code postgres}, any password), so tests can also stop and restart it under a
 * running server. The product's own {@code org.gochat.db.EmbeddedDatabase} is not reused: it is
 * the server's single database, with its data folder, lock and generated password.
 */
public final class TestPostgres {

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    /** A database kept in {@code dataDir} (created when missing, reused when not). */
    public TestPostgres(Path dataDir) {
        this.dataDir = dataDir;
        this.port = Ports.free();
    }

    /** A started database in a temporary folder, deleted when it stops. */
    public static TestPostgres temporary() {
        return new TestPostgres(null).start();
    }

    public synchronized TestPostgres start() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setServerConfig("max_connections", "300");
            if (dataDir != null) {
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            postgres = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void stop() {
        try {
            if (postgres != null) {
                postgres.close();
                postgres = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** Connections to its {@code postgres} database as the superuser {@code postgres}. */
    public synchronized DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }
}
