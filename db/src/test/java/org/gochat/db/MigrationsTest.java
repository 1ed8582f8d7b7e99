package org.gochat.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.gochat.db.Migrations.Migration;
import org.gochat.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Migrations against a real PostgreSQL: order, checksums, and the mistakes they refuse. */
class MigrationsTest {

    private static TestPostgres postgres;
    private static DataSource db;

    private static final Migration ONE = new Migration(1, "one", "CREATE TABLE one (id int)");
    private static final Migration TEN = new Migration(10, "ten", "CREATE TABLE ten (id int)");

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.temporary();
        db = postgres.dataSource();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.stop();
    }

    @BeforeEach
    void emptyDatabase() throws SQLException {
        execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }

    @Test
    void appliesEachOnceInOrderWithItsChecksum() throws SQLException {
        Migrations.apply(db, List.of(ONE, TEN));
        Migrations.apply(db, List.of(ONE, TEN));
        assertEquals(List.of("1 " + ONE.checksum(), "10 " + TEN.checksum()), recorded());
    }

    @Test
    void theProjectsOwnMigrationsApplyToAnEmptyDatabase() throws SQLException {
        Migrations.apply(db);
        assertEquals(Migrations.list().size(), recorded().size());
    }

    /**
     * V40 (rooms with members) on a database with rooms and history: every room stays public and
     * readable, its creator owns it (while the account exists), the authors of its messages are
     * members with their read markers at the room's end (nothing old is unread), and the message
     * counters start from the rows there are.
     */
    @Test
    void roomsWithMembersKeepsEveryExistingRoomPublicWithItsHistory() throws SQLException {
        List<Migration> all = Migrations.list();
        Migrations.apply(db, all.stream().filter(m -> m.version() < 40).toList());
        execute("""
                INSERT INTO users (username, email, password_hash) VALUES ('ann', 'ann@example.org', 'x'), ('ben', 'ben@example.org', 'x');
                INSERT INTO rooms (id, name, created_by, last_seq) SELECT 'lobby', 'Lobby', id, 3 FROM users WHERE username = 'ann';
                INSERT INTO rooms (id, name, created_by, last_seq) VALUES ('orphan', 'Creator gone', NULL, 1), ('quiet', 'Quiet', NULL, 0);
                INSERT INTO messages (room_id, seq, user_id, username, content, sent_at)
                SELECT 'lobby', 1, id, 'ann', 'one', '2026-01-01T10:00:00Z' FROM users WHERE username = 'ann';
                INSERT INTO messages (room_id, seq, user_id, username, content, sent_at)
                SELECT 'lobby', 2, id, 'ben', 'two', '2026-01-01T10:01:00Z' FROM users WHERE username = 'ben';
                INSERT INTO messages (room_id, seq, user_id, username, content, sent_at)
                SELECT 'lobby', 3, id, 'ben', 'three', '2026-01-01T10:02:00Z' FROM users WHERE username = 'ben';
                INSERT INTO messages (room_id, seq, user_id, username, content, sent_at)
                VALUES ('orphan', 1, 999, 'gone', 'still here', '2026-01-01T09:00:00Z')""");

        Migrations.apply(db, all);

        assertEquals(List.of("lobby public 3 3 2026-01-01 10:02:00+00", "orphan public 1 1 2026-01-01 09:00:00+00",
                "quiet public 0 0 null"), rows("""
                SELECT id || ' ' || visibility || ' ' || last_seq || ' ' || message_count || ' '
                       || coalesce(to_char(last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00', 'null')
                  FROM rooms ORDER BY id"""));
        assertEquals(List.of("lobby 1 1 one", "lobby 2 2 two", "lobby 3 3 three", "orphan 1 1 still here"),
                rows("SELECT room_id || ' ' || seq || ' ' || message_no || ' ' || content FROM messages ORDER BY room_id, seq"));
        assertEquals(List.of("lobby ann owner 3 0", "lobby ben member 3 0"), rows("""
                SELECT m.room_id || ' ' || u.username || ' ' || m.role || ' ' || m.read_seq || ' ' || (r.message_count - m.read_count)
                  FROM room_members m JOIN users u ON u.id = m.user_id JOIN rooms r ON r.id = m.room_id
                 ORDER BY m.room_id, u.username"""));
    }

    @Test
    void refusesANewMigrationOlderThanOneApplied() throws SQLException {
        Migrations.apply(db, List.of(ONE, TEN));
        Migration five = new Migration(5, "five", "CREATE TABLE five (id int)");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Migrations.apply(db, List.of(ONE, five, TEN)));
        assertTrue(e.getMessage().contains("V5 is older than V10"), e.getMessage());
        assertFalse(tableExists("five"));
    }

    @Test
    void refusesAMigrationChangedAfterItWasApplied() throws SQLException {
        Migrations.apply(db, List.of(ONE));
        Migration changed = new Migration(1, "one", "CREATE TABLE one (id bigint)");
        Migration two = new Migration(2, "two", "CREATE TABLE two (id int)");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Migrations.apply(db, List.of(changed, two)));
        assertTrue(e.getMessage().contains("V1 was changed"), e.getMessage());
        assertFalse(tableExists("two"));
    }

    @Test
    void aDatabaseMigratedBeforeChecksumsGetsThemAndIsCheckedFromThen() throws SQLException {
        execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL, "
                + "applied_at timestamptz NOT NULL DEFAULT now()); "
                + "INSERT INTO schema_migrations (version, description) VALUES (1, 'one'); CREATE TABLE one (id int)");
        Migrations.apply(db, List.of(ONE, TEN));
        assertEquals(List.of("1 " + ONE.checksum(), "10 " + TEN.checksum()), recorded());
        assertThrows(IllegalStateException.class,
                () -> Migrations.apply(db, List.of(new Migration(1, "one", "CREATE TABLE one (x int)"), TEN)));
    }

    @Test
    void versionsAppliedByANewerServerDoNotStopAnOlderOne() throws SQLException {
        Migrations.apply(db, List.of(ONE, TEN));
        Migrations.apply(db, List.of(ONE));
        assertEquals(2, recorded().size());
    }

    @Test
    void aFailingMigrationLeavesNothingOfItself() {
        Migration broken = new Migration(2, "broken", "CREATE TABLE half (id int); SELECT no_such_function()");
        assertThrows(SQLException.class, () -> Migrations.apply(db, List.of(ONE, broken)));
        assertFalse(tableExists("half"));
    }

    @Test
    void aFileMarkedNoTransactionRunsStatementByStatementSoItCanBuildIndexesConcurrently() throws SQLException {
        Migration concurrent = new Migration(2, "concurrent", Migrations.NO_TRANSACTION + """

                -- a comment; with a semicolon;
                CREATE TABLE IF NOT EXISTS two (id int, note text DEFAULT 'a;b');
                DROP INDEX CONCURRENTLY IF EXISTS two_idx;
                CREATE INDEX CONCURRENTLY two_idx ON two (id);
                """);
        Migrations.apply(db, List.of(ONE, concurrent));
        assertTrue(tableExists("two"));
        assertEquals(List.of("1 " + ONE.checksum(), "2 " + concurrent.checksum()), recorded());
    }

    @Test
    void aFailedNoTransactionFileIsNotRecordedAndRunsAgainFromItsStart() throws SQLException {
        Migration failing = new Migration(2, "again", Migrations.NO_TRANSACTION + """

                CREATE TABLE IF NOT EXISTS two (id int);
                SELECT no_such_function();
                """);
        assertThrows(SQLException.class, () -> Migrations.apply(db, List.of(ONE, failing)));
        assertEquals(List.of("1 " + ONE.checksum()), recorded());
        Migration fixed = new Migration(2, "again", failing.sql().replace("SELECT no_such_function();", "CREATE INDEX CONCURRENTLY IF NOT EXISTS two_idx ON two (id);"));
        Migrations.apply(db, List.of(ONE, fixed));
        assertEquals(List.of("1 " + ONE.checksum(), "2 " + fixed.checksum()), recorded());
    }

    private static List<String> recorded() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version || ' ' || checksum FROM schema_migrations ORDER BY version")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    private static List<String> rows(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    private static boolean tableExists(String name) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('public." + name + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
