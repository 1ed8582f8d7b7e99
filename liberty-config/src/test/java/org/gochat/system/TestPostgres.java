package org.gochat.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL owned by the test JVM, so tests can stop and restart it under a running server. */
public final class TestPostgres {

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    public TestPostgres(Path dataDir) {
        this.dataDir = dataDir;
        this.port = Ports.free();
    }

    public synchronized TestPostgres start() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "300")
                    .start();
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
}
