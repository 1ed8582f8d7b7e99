package org.gochat.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.sql.DataSource;

/**
 * Applies the versioned SQL files under {@code db/migration/} ({@code V<n>__<what>.sql}) in order,
 * each in its own transaction, and records them in {@code schema_migrations}. A PostgreSQL advisory
 * lock makes servers that start at the same time take turns, so each file runs exactly once.
 */
final class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());
    private static final String FOLDER = "db/migration/";
    private static final Pattern FILE = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    /** Any constant shared by every GoChat server; "GoChat" in ASCII. */
    private static final long LOCK_KEY = 0x476f43686174L;

    record Migration(int version, String description, String resource) {
    }

    private Migrations() {
    }

    static void apply(DataSource dataSource) throws SQLException {
        List<Migration> all = list();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            }
            try {
                applyPending(c, all);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
                }
            }
        }
    }

    private static void applyPending(Connection c, List<Migration> all) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                    + "version integer PRIMARY KEY, description text NOT NULL, "
                    + "applied_at timestamptz NOT NULL DEFAULT now())");
        }
        Set<Integer> applied = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM schema_migrations")) {
            while (rs.next()) {
                applied.add(rs.getInt(1));
            }
        }
        for (Migration m : all) {
            if (applied.contains(m.version())) {
                continue;
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                    PreparedStatement record = c.prepareStatement(
                            "INSERT INTO schema_migrations (version, description) VALUES (?, ?)")) {
                s.execute(read(m.resource()));
                record.setInt(1, m.version());
                record.setString(2, m.description());
                record.executeUpdate();
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

    /** The migration files in this jar (or classes folder), in version order. */
    static List<Migration> list() {
        List<Migration> found = new ArrayList<>();
        for (String name : fileNames()) {
            Matcher m = FILE.matcher(name);
            if (m.matches()) {
                found.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), FOLDER + name));
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
