package org.gochat.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL that runs beside the server when no external database is configured (no
 * {@code GOCHAT_DB_URL} in the environment): real PostgreSQL binaries, its data in the data
 * folder's {@code pgdata} ({@link DataFolder}), reached on {@code GOCHAT_EMBEDDED_DB_PORT}.
 *
 * <p>Safe on a machine shared with other users and other GoChat servers:
 * <ul>
 * <li>It listens on 127.0.0.1 only, has no Unix socket, and every connection needs the superuser's
 * password (SCRAM), a random one generated with the cluster and kept owner-only in the data folder
 * ({@code db-password}); pg_hba.conf is rewritten on every start and trusts no one.
 * <li>The server that starts it holds the lock of {@code pgdata.lock} in the data folder for as long
 * as it lives. A second server on the same data folder is refused with a clear error and never
 * touches the database; a PostgreSQL left running by a dead server of this data folder (killed
 * with SIGKILL) is stopped and started afresh.
 * <li>It stops after the applications ({@link DatabaseStartup}), so whatever they store while
 * stopping is stored.
 * </ul>
 */
final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    private static final String NOT_BUNDLED = "This GoChat server was built without the embedded PostgreSQL"
            + " (-Pproduction): set GOCHAT_DB_URL, GOCHAT_DB_USER and GOCHAT_DB_PASSWORD to your PostgreSQL.";

    /** PostgreSQL's superuser, the user the dataSource connects as (GOCHAT_DB_USER's default). */
    private static final String SUPERUSER = "postgres";
    private static final String PG_HBA = """
            # Written by GoChat on every start of its embedded PostgreSQL: TCP connections from this
            # machine only, each with the password (SCRAM). No Unix socket, no trust.
            host all all 127.0.0.1/32 scram-sha-256
            """;

    private static EmbeddedPostgres postgres;
    private static FileChannel lockChannel;
    private static String password;

    private EmbeddedDatabase() {
    }

    /** Whether this server uses the embedded database: only the environment (or server.env) decides. */
    static boolean isUsed() {
        // server.xml gives GOCHAT_DB_URL a default pointing here, which MicroProfile Config would also report.
        String externalUrl = System.getenv("GOCHAT_DB_URL");
        return externalUrl == null || externalUrl.isBlank();
    }

    /** Whether this server's library has the embedded PostgreSQL (a -Pproduction build leaves it out). */
    static boolean isBundled() {
        return EmbeddedDatabase.class.getClassLoader().getResource(
                "io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class") != null;
    }

    /** The superuser's password, for the dataSource ({@link DatabasePassword}). */
    static synchronized String password() throws IOException {
        if (password == null) {
            password = DataFolder.secret(DataFolder.path(), "db-password");
        }
        return password;
    }

    static synchronized void startIfNeeded() {
        if (postgres != null || !isUsed()) {
            return;
        }
        if (!isBundled()) {
            LOG.severe(NOT_BUNDLED);
            throw new IllegalStateException(NOT_BUNDLED);
        }
        int port = Integer.parseInt(Settings.require("GOCHAT_EMBEDDED_DB_PORT"));
        Path data;
        try {
            data = DataFolder.path();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder (GOCHAT_DATA_DIR)", e);
        }
        Path pgdata = data.resolve("pgdata");
        try {
            lock(data); // first: nothing below may touch a database another live server owns
            stopOrphan(pgdata);
            requireFreePort(port);
            requirePassword(pgdata);
            String superuserPassword = password();
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(pgdata)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false) // stopped after the applications (stop())
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // initdb: the library passes these "locale" settings on as --name=value options
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", data.resolve("db-password").toString())
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("max_connections", "200")
                    .setConnectConfig("password", superuserPassword)
                    .setPgBinaryResolver(EmbeddedDatabase::binaries)
                    .start();
        } catch (IOException | RuntimeException e) {
            unlock();
            LOG.severe("Cannot start the embedded PostgreSQL: " + e.getMessage());
            throw new IllegalStateException("cannot start the embedded PostgreSQL on port " + port + " with data in "
                    + pgdata + " (set GOCHAT_DB_URL to use another database): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stopWhenApplicationsHaveStopped,
                "gochat-embedded-db-stop"));
        LOG.info(() -> "Embedded PostgreSQL started on 127.0.0.1:" + port + ", data in " + pgdata);
    }

    /** Stops the database (fast shutdown) and releases the data folder. */
    static synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
            LOG.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            LOG.warning("Embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        } finally {
            postgres = null;
            unlock();
        }
    }

    /**
     * On JVM shutdown (SIGTERM, Ctrl+C) the server stops its applications on its own shutdown hook;
     * they stop the database when the last one has stopped. This hook stops it only if that never
     * comes (an application that failed to start, a stuck stop).
     */
    private static void stopWhenApplicationsHaveStopped() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (DatabaseStartup.running() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                break;
            }
        }
        stop();
    }

    /** Takes the data folder's lock for this process's lifetime, or explains who holds it. */
    private static void lock(Path data) {
        Path file = data.resolve("pgdata.lock");
        try {
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), DataFolder.ownerOnlyFile());
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.US_ASCII).trim();
                channel.close();
                throw new IllegalStateException("GoChat's data folder " + data + " is in use: another running GoChat server"
                        + (holder.isEmpty() ? "" : " (process " + holder + ")")
                        + " owns its embedded PostgreSQL. Stop that server, or give this one its own GOCHAT_DATA_DIR"
                        + " and GOCHAT_EMBEDDED_DB_PORT, or a database of its own with GOCHAT_DB_URL.");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            lockChannel = channel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    private static void unlock() {
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock
            }
        } catch (IOException e) {
            LOG.warning("cannot release the data folder's lock: " + e.getMessage());
        } finally {
            lockChannel = null;
        }
    }

    /**
     * A PostgreSQL still running on this data folder although no live server holds its lock was
     * left by a server of this folder that died without stopping it: stop it (smart shutdown; its
     * owner's connections died with it) before starting afresh.
     */
    private static void stopOrphan(Path pgdata) throws IOException {
        Path pidFile = pgdata.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String first = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).stream().findFirst().orElse("").trim();
        Optional<ProcessHandle> orphan = first.matches("\\d+")
                ? ProcessHandle.of(Long.parseLong(first)).filter(p -> p.info().command().orElse("").contains("postgres"))
                : Optional.empty();
        if (orphan.isEmpty()) {
            return; // a stale pid file, which PostgreSQL handles itself
        }
        ProcessHandle process = orphan.get();
        LOG.warning("Stopping the embedded PostgreSQL (process " + process.pid() + ") that an earlier server of this data"
                + " folder left running, to start it afresh");
        process.destroy();
        try {
            process.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded PostgreSQL left running on " + pgdata + " (process "
                    + process.pid() + ") did not stop within 60 s; stop it, then start again", e);
        }
    }

    private static void requireFreePort(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1, the embedded PostgreSQL's, is in use (by another"
                    + " GoChat server's embedded PostgreSQL?). Set GOCHAT_EMBEDDED_DB_PORT to a free port, or use a database"
                    + " of your own with GOCHAT_DB_URL.");
        }
    }

    /** A cluster without its password file: made by an earlier GoChat that trusted every local connection. */
    private static void requirePassword(Path pgdata) throws IOException {
        if (Files.exists(pgdata.resolve("PG_VERSION")) && !Files.exists(pgdata.getParent().resolve("db-password"))) {
            throw new IllegalStateException("the embedded database in " + pgdata + " has no password in db-password beside"
                    + " it (an earlier GoChat made it trusting every local user, or the file was deleted); move it away or"
                    + " delete it, and a new one is created");
        }
    }

    private static void writeHba(Path pgdata) {
        try {
            Files.writeString(pgdata.resolve("pg_hba.conf"), PG_HBA, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The PostgreSQL archive for this machine, from the first jar that has it. (The library's own
     * resolver asks the thread's class loader, which in Liberty sees the shared library twice and
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
            throw new IOException("this build has no embedded PostgreSQL for " + system + "/" + hardware + " (" + name
                    + "); set GOCHAT_DB_URL to use an external PostgreSQL");
        }
        return in;
    }
}
