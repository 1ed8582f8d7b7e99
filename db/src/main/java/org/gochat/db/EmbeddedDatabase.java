package org.gochat.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL that runs inside the server's JVM when no external database is configured
 * (no {@code GOCHAT_DB_URL} in the environment). Real PostgreSQL binaries; the data stays in
 * {@code GOCHAT_EMBEDDED_DB_DIR} across restarts, and the server's dataSource reaches it on
 * {@code GOCHAT_EMBEDDED_DB_PORT}.
 */
final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());

    private static EmbeddedPostgres postgres;

    private EmbeddedDatabase() {
    }

    static synchronized void startIfNeeded() {
        // Only the process environment (or server.env) decides: server.xml gives GOCHAT_DB_URL a
        // default pointing here, which MicroProfile Config would also report.
        String externalUrl = System.getenv("GOCHAT_DB_URL");
        if (postgres != null || (externalUrl != null && !externalUrl.isBlank())) {
            return;
        }
        int port = Settings.getInt("GOCHAT_EMBEDDED_DB_PORT", 5532);
        Path dir = Path.of(Settings.get("GOCHAT_EMBEDDED_DB_DIR",
                Path.of(System.getProperty("user.home"), ".gochat", "pgdata").toString()));
        try {
            Files.createDirectories(dir.getParent());
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(true)
                    .setServerConfig("max_connections", "200")
                    .setPgBinaryResolver(EmbeddedDatabase::binaries)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL on port " + port
                    + " with data in " + dir + " (set GOCHAT_DB_URL to use another database)", e);
        }
        LOG.info(() -> "Embedded PostgreSQL started on port " + port + ", data in " + dir);
    }

    /**
     * The PostgreSQL archive for this machine, from the first jar that has it. (The library's own
     * resolver asks the thread's class loader, which in Liberty sees the global library twice and
     * then refuses the "duplicate".)
     */
    private static InputStream binaries(String system, String hardware) throws IOException {
        String arch = switch (hardware.toLowerCase()) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64", "arm64v8" -> "arm_64";
            default -> hardware.toLowerCase();
        };
        String name = "postgres-" + system.toLowerCase() + "-" + arch + ".txz";
        InputStream in = EmbeddedDatabase.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("no embedded PostgreSQL for " + system + "/" + hardware
                    + " (" + name + "); set GOCHAT_DB_URL to use an external PostgreSQL");
        }
        return in;
    }
}
