package org.gochat.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import jakarta.inject.Inject;

import org.gochat.db.Database;
import org.gochat.user.control.Users;
import org.gochat.user.entity.UserProfile;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside Liberty: the real Users bean against the real (embedded) PostgreSQL. */
@ExtendWith(ArquillianExtension.class)
class UsersIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "user-it.war")
                .addPackages(true, "org.gochat.user")
                .addAsResource("META-INF/persistence.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/beans.xml"), "beans.xml")
                .setWebXML(new File("src/main/webapp/WEB-INF/web.xml"));
    }

    @Inject
    Users users;

    @Test
    void findsAProfileStoredInPostgres() throws Exception {
        String name = "p" + UUID.randomUUID().toString().substring(0, 8);
        long id;
        try (Connection c = Database.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO users (username, email, password_hash) VALUES (?, ?, 'x') RETURNING id")) {
            insert.setString(1, name);
            insert.setString(2, name + "@example.org");
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }

        UserProfile profile = users.find(id).orElseThrow();
        assertEquals(name, profile.getUsername());
        assertEquals(name + "@example.org", profile.getEmail());
        assertEquals(0, profile.getFollowers());
        assertEquals(0, profile.getFollowing());
        assertTrue(users.find(id + 1_000_000).isEmpty());
    }
}
