package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;

/** What the user-service system tests do: call the user routes, look into the database. */
final class Social {

    private Social() {
    }

    static Http.Response get(String path, User user) {
        return call("GET", path, user, null);
    }

    static Http.Response post(String path, User user, String body) {
        return call("POST", path, user, body);
    }

    static Http.Response delete(String path, User user) {
        return call("DELETE", path, user, null);
    }

    static Http.Response call(String method, String path, User user, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(GochatSystem.server().uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (user != null) {
            b.header("Authorization", "Bearer " + user.token());
        }
        return Http.send(b);
    }

    static void follow(User follower, User followed) {
        assertEquals(200, post("/user/follow?toFollowId=" + followed.id(), follower, null).status());
    }

    static long number(String sql, Object... params) throws SQLException {
        try (Connection c = GochatSystem.postgres().dataSource().getConnection();
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

    static void execute(String sql, Object... params) throws SQLException {
        try (Connection c = GochatSystem.postgres().dataSource().getConnection();
                PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setObject(i + 1, params[i]);
            }
            q.execute();
        }
    }
}
