package org.gochat.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Makes the database ready once per server: starts the embedded PostgreSQL when no external one
 * is configured, then applies pending migrations. Every WAR calls {@link #ensureReady()} as it
 * starts; this class lives in the server's shared library (one class loader for all applications), so the work is done once per JVM.
 */
public final class Database {

    /** The server's dataSource, defined in server.xml. */
    public static final String JNDI_NAME = "jdbc/gochat";

    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    private static boolean ready;
    private static volatile DataSource dataSource;

    private Database() {
    }

    public static synchronized void ensureReady() {
        EmbeddedDatabase.startIfNeeded(); // again after the applications stopped it (all redeployed)
        if (ready) {
            return;
        }
        // A server may start while its database is still starting or restarting: wait for it a while.
        long deadline = System.nanoTime() + Settings.getInt("GOCHAT_DB_STARTUP_WAIT", 60) * 1_000_000_000L;
        while (true) {
            try {
                Migrations.apply(dataSource());
                break;
            } catch (SQLException e) {
                boolean unreachable = e.getSQLState() != null && e.getSQLState().startsWith("08");
                if (!unreachable || System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot migrate the database: " + e.getMessage(), e);
                }
                LOG.warning("Database not reachable yet, retrying: " + e.getMessage());
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the database", interrupted);
                }
            }
        }
        ready = true;
        LOG.info("Database ready");
    }

    /**
     * Whether PostgreSQL answers a trivial query within two seconds. A query, not
     * {@code Connection.isValid}: a pooled connection that the database dropped (a restart) fails the
     * query through the server's JDBC wrapper, which then purges the pool; {@code isValid} only
     * answers false, and the dead connection went back to the pool for the next caller to fail on.
     */
    public static boolean isReachable() {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            return true;
        } catch (SQLException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * A connection of its own, outside the dataSource's pool, to the same database as the same user
     * with the same password: server.xml's dataSource resolves {@code GOCHAT_DB_URL} (by default the
     * embedded database's URL, as here) and {@code GOCHAT_DB_USER}, and its driver asks
     * {@link DatabasePassword}, as this one does. For a connection kept in a state that no request
     * may inherit (the bus's {@code LISTEN}), or kept by one user that checks it itself (the chat's
     * storing lanes); its owner closes it.
     */
    public static Connection connectOutsidePool(String applicationName) throws SQLException {
        // MicroProfile Config may report server.xml's default with its ${GOCHAT_EMBEDDED_DB_PORT} unresolved.
        String url = Settings.get("GOCHAT_DB_URL").filter(u -> !u.contains("${")).orElseGet(
                () -> "jdbc:postgresql://localhost:" + Settings.require("GOCHAT_EMBEDDED_DB_PORT") + "/postgres");
        Properties properties = new Properties();
        properties.setProperty("user", Settings.require("GOCHAT_DB_USER"));
        properties.setProperty("authenticationPluginClassName", DatabasePassword.class.getName());
        properties.setProperty("connectTimeout", Settings.require("GOCHAT_DB_CONNECT_TIMEOUT")); // as the dataSource's
        properties.setProperty("socketTimeout", Settings.require("GOCHAT_DB_SOCKET_TIMEOUT"));
        properties.setProperty("ApplicationName", applicationName); // names it in pg_stat_activity
        Connection c = new org.postgresql.Driver().connect(url, properties);
        if (c == null) {
            throw new SQLException("GOCHAT_DB_URL is not a PostgreSQL JDBC URL");
        }
        return c;
    }

    /** The server's dataSource; looked up once, on an application thread, then usable from any thread. */
    public static DataSource dataSource() {
        if (dataSource != null) {
            return dataSource;
        }
        try {
            dataSource = (DataSource) new InitialContext().lookup(JNDI_NAME);
            return dataSource;
        } catch (NamingException e) {
            throw new IllegalStateException("no dataSource " + JNDI_NAME + " in server.xml", e);
        }
    }
}
