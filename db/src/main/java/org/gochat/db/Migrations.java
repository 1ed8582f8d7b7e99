package org.gochat.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.sql.DataSource;

/**
 * Applies the versioned SQL files under {@code db/migration/} ({@code V<n>__<what>.sql}) in order,
 * each in its own transaction, and records them in {@code schema_migrations} with a SHA-256 of
 * their text. A PostgreSQL advisory lock makes servers that start at the same time take turns, so
 * each file runs exactly once.
 *
 * <p>A file whose first line is {@value #NO_TRANSACTION} runs outside a transaction instead, one
 * statement at a time (statements end with a semicolon at the end of a line), for what PostgreSQL
 * refuses inside one ({@code CREATE INDEX CONCURRENTLY}, which builds an index on a big table without
 * blocking its writers). Such a file is recorded only once every statement succeeded, so its
 * statements must be safe to run again after a failure ({@code IF NOT EXISTS}, drop-then-create).
 *
 * <p>It refuses to start on two mistakes that would otherwise leave databases with different
 * schemas: a file changed after it was applied (its checksum differs), and a new file whose
 * version is below one already applied (it would run after that one on existing databases and
 * before it on new ones). Versions applied by a newer server that this one does not know are
 * allowed, so nodes of a rolling upgrade keep starting.
 */
final class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());
    private static final String FOLDER = "db/migration/";
    private static final Pattern FILE = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    /** Any constant shared by every GoChat server; "GoChat" in ASCII. */
    private static final long LOCK_KEY = 0x476f43686174L;
    /** The first line of a file that runs outside a transaction. */
    static final String NO_TRANSACTION = "-- migration: no transaction";
    private static final long LOCK_POLL_MILLIS = 100;

    record Migration(int version, String description, String sql) {

        boolean inTransaction() {
            return !sql.startsWith(NO_TRANSACTION);
        }

        /** The statements of a file that runs outside a transaction: each ends with a semicolon at a line's end. */
        List<String> statements() {
            return Arrays.stream(sql.split(";[ \\t]*(\\R|$)"))
                    .map(String::strip)
                    .filter(st -> !st.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--")))
                    .toList();
        }

        String checksum() {
            try {
                return HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Migrations() {
    }

    static void apply(DataSource dataSource) throws SQLException {
        apply(dataSource, list());
    }

    /** Applies {@code all} (in version order) under the advisory lock. */
    static void apply(DataSource dataSource, List<Migration> all) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            lock(c);
            try {
                applyPending(c, all);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
                }
            }
        }
    }

    /**
     * Takes the advisory lock, asking again every {@value #LOCK_POLL_MILLIS} ms rather than waiting in
     * {@code pg_advisory_lock}: a server waiting inside that statement holds a snapshot the whole
     * time, and {@code CREATE INDEX CONCURRENTLY} on the server that holds the lock waits for every
     * older snapshot to end (the two would wait for each other until PostgreSQL's deadlock detector
     * failed one of them).
     */
    private static void lock(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
                try {
                    Thread.sleep(LOCK_POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while waiting for the migrations lock", e);
                }
            }
        }
    }

    private static void applyPending(Connection c, List<Migration> all) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                    + "version integer PRIMARY KEY, description text NOT NULL, "
                    + "applied_at timestamptz NOT NULL DEFAULT now())");
            // Databases migrated before checksums were recorded get theirs on the next start.
            s.execute("ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text");
        }
        Map<Integer, String> applied = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, checksum FROM schema_migrations")) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        List<Migration> pending = check(all, applied);
        recordMissingChecksums(c, all, applied);
        for (Migration m : pending) {
            if (!m.inTransaction()) {
                applyOutsideTransaction(c, m);
                continue;
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(m.sql());
                record(c, m);
                c.commit();
                LOG.info(() -> "Applied migration V" + m.version() + " " + m.description());
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("migration V" + m.version() + " failed", e);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void applyOutsideTransaction(Connection c, Migration m) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : m.statements()) {
                s.execute(statement);
            }
            record(c, m);
            LOG.info(() -> "Applied migration V" + m.version() + " " + m.description() + " (outside a transaction)");
        } catch (SQLException e) {
            throw new SQLException("migration V" + m.version() + " failed; it runs again from its start on the next start", e);
        }
    }

    private static void record(Connection c, Migration m) throws SQLException {
        try (PreparedStatement record = c.prepareStatement(
                "INSERT INTO schema_migrations (version, description, checksum) VALUES (?, ?, ?)")) {
            record.setInt(1, m.version());
            record.setString(2, m.description());
            record.setString(3, m.checksum());
            record.executeUpdate();
        }
    }

    /** The migrations still to apply; refuses changed files and new files older than an applied one. */
    static List<Migration> check(List<Migration> all, Map<Integer, String> applied) {
        int newestApplied = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Migration> pending = new ArrayList<>();
        for (Migration m : all) {
            if (!applied.containsKey(m.version())) {
                if (m.version() < newestApplied) {
                    throw new IllegalStateException("migration V" + m.version() + " is older than V" + newestApplied
                            + ", which this database already has: give it a version above " + newestApplied);
                }
                pending.add(m);
            } else if (applied.get(m.version()) != null && !applied.get(m.version()).equals(m.checksum())) {
                throw new IllegalStateException("migration V" + m.version()
                        + " was changed after it was applied: add a new migration instead");
            }
        }
        return pending;
    }

    private static void recordMissingChecksums(Connection c, List<Migration> all, Map<Integer, String> applied)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE schema_migrations SET checksum = ? WHERE version = ? AND checksum IS NULL")) {
            for (Migration m : all) {
                if (applied.containsKey(m.version()) && applied.get(m.version()) == null) {
                    ps.setString(1, m.checksum());
                    ps.setInt(2, m.version());
                    ps.executeUpdate();
                }
            }
        }
    }

    /** The migration files in this jar (or classes folder), in version order. */
    static List<Migration> list() {
        List<Migration> found = new ArrayList<>();
        for (String name : fileNames()) {
            Matcher m = FILE.matcher(name);
            if (m.matches()) {
                found.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), read(FOLDER + name)));
            }
        }
        found.sort(Comparator.comparingInt(Migration::version));
        for (int i = 1; i < found.size(); i++) {
            if (found.get(i).version() == found.get(i - 1).version()) {
                throw new IllegalStateException("two migrations have version " + found.get(i).version());
            }
        }
        return found;
    }

    private static List<String> fileNames() {
        try {
            Path location = Path.of(Migrations.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(FOLDER))) {
                    return files.map(p -> p.getFileName().toString()).toList();
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                return jar.stream()
                        .map(e -> e.getName())
                        .filter(n -> n.startsWith(FOLDER) && n.length() > FOLDER.length())
                        .map(n -> n.substring(FOLDER.length()))
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
