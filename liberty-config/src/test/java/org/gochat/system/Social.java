package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** What the user-service system tests do: sign up over HTTP, call the user routes, look into the database. */
final class Social {

    /** A signed-up user and its token. */
    record User(long id, String username, String email, String token) {
    }

    private Social() {
    }

    static User register() {
        String name = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        JsonObject body = Json.createObjectBuilder()
                .add("username", name).add("email", name + "@example.org").add("password", "correct horse").build();
        Http.Response r = call("POST", "/auth/register", null, body.toString());
        assertEquals(201, r.status(), r.body());
        JsonObject json = r.json();
        return new User(json.getJsonObject("user").getJsonNumber("id").longValueExact(), name, name + "@example.org",
                json.getString("token"));
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

    /** An error response as the contract wants it: the status, problem+json, never a trace. */
    static void assertProblem(Http.Response r, int status) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r.header("Content-Type"));
        assertEquals(status, r.json().getInt("status"));
        assertTrue(r.json().containsKey("title") && r.json().containsKey("detail") && r.json().containsKey("type"));
        if (status == 401) {
            assertEquals("Bearer", r.header("WWW-Authenticate"));
        }
    }

    static long number(String sql, Object... params) throws SQLException {
        try (Connection c = DriverManager.getConnection(GochatSystem.postgres().jdbcUrl(), "postgres", "postgres");
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
        try (Connection c = DriverManager.getConnection(GochatSystem.postgres().jdbcUrl(), "postgres", "postgres");
                PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setObject(i + 1, params[i]);
            }
            q.execute();
        }
    }
}
