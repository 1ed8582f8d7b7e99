package org.gochat.chat.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.gochat.db.Database;

/**
 * Plain JDBC on the server's dataSource, for the hub's hot paths (message batches, presence).
 * The chat service reaches PostgreSQL in two ways, each for a reason: the routes' reads and writes
 * through JPA ({@link Rooms}, in the request's transaction, no shared cache: {@code rooms.last_seq}
 * and presence are written here by SQL), and the hub through JDBC, because a batch of messages is
 * one multi-row insert and one {@code last_seq} update per room per flush, measured to be what
 * keeps up with the message rate, which an entity per message through JPA does not. The
 * notification bus ({@link org.gochat.db.Bus}) is not a third way to the data: it holds the one
 * LISTEN connection that tells every node what changed.
 */
final class Sql {

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Sql() {
    }

    /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = Database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static int execute(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
        }
    }

    static int execute(String sql, Object... parameters) throws SQLException {
        try (Connection c = Database.dataSource().getConnection()) {
            return execute(c, sql, parameters);
        }
    }
}
