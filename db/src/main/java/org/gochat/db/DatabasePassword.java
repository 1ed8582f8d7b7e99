package org.gochat.db;

import java.io.IOException;

import org.postgresql.plugin.AuthenticationPlugin;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * The password the server's dataSource logs in with (server.xml names this class as the driver's
 * {@code authenticationPluginClassName}): the embedded database's generated one, read from the
 * data folder when the server starts it, else {@code GOCHAT_DB_PASSWORD}. The generated password
 * so never appears in any configuration or environment.
 */
public final class DatabasePassword implements AuthenticationPlugin {

    @Override
    public char[] getPassword(AuthenticationRequestType type) throws PSQLException {
        if (!EmbeddedDatabase.isUsed()) {
            return Settings.get("GOCHAT_DB_PASSWORD").orElse("").toCharArray(); // set empty: none
        }
        try {
            return EmbeddedDatabase.password().toCharArray();
        } catch (IOException e) {
            throw new PSQLException("cannot read the embedded database's password: " + e.getMessage(),
                    PSQLState.CONNECTION_REJECTED, e);
        }
    }
}
