package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(GochatSystem.class)
class MigrationsIT {

    @Test
    void theServerMigratedTheExternalDatabaseOnce() throws Exception {
        try (Connection c = GochatSystem.postgres().dataSource().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT version) FROM schema_migrations WHERE version = 1")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
                assertEquals(1, rs.getInt(2));
            }
            Set<String> tables = new HashSet<>();
            try (ResultSet rs = s.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.containsAll(Set.of("users", "user_followers", "revoked_tokens", "deleted_users",
                    "rooms", "messages", "presence")), tables.toString());
        }
    }
}
