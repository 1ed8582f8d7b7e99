package org.gochat.user;

import java.io.File;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.gochat.db.Database;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The deployment of the in-container tests, test users written straight to PostgreSQL (the kit's
 * {@link User}, without a token), and reads of what the services wrote.
 */
final class TestData {

    private TestData() {
    }

    static WebArchive deployment(String name) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackages(true, "org.gochat.user")
                .addClasses(User.class, Http.class)
                .addAsResource("META-INF/persistence.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/beans.xml"), "beans.xml")
                .setWebXML(new File("src/main/webapp/WEB-INF/web.xml"));
    }

    static User user() throws SQLException {
        String name = User.uniqueName("u", 13);
        try (Connection c = Database.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO users (username, email, password_hash) VALUES (?, ?, 'x') RETURNING id")) {
            insert.setString(1, name);
            insert.setString(2, name + "@example.org");
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return new User(rs.getLong(1), name, name + "@example.org", null);
            }
        }
    }

    static long count(String sql, Object... params) throws SQLException {
        try (Connection c = Database.dataSource().getConnection();
                PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long edges(long follower, long following) throws SQLException {
        return count("SELECT count(*) FROM user_followers WHERE follower_id = ? AND following_id = ?", follower, following);
    }

    static long followersCount(long id) throws SQLException {
        return count("SELECT followers_count FROM users WHERE id = ?", id);
    }

    static long followingCount(long id) throws SQLException {
        return count("SELECT following_count FROM users WHERE id = ?", id);
    }
}
