package org.gochat.chat.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.gochat.db.Database;

/** Plain JDBC on the server's dataSource, for the hub's hot paths (batches, presence, notifications). */
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
