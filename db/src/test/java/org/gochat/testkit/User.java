package org.gochat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * A user of the tests: its id and username, its email and, when it signed up over HTTP, its token
 * (null for a user written straight to the database).
 */
public record User(long id, String username, String email, String token) {

    /** The password of every user {@link #register(URI)} signs up. */
    public static final String PASSWORD = "correct horse";

    /** The {@code Authorization} header of this user's requests and sockets. */
    public Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + token);
    }

    /** A username no test has used: {@code prefix} and random letters and digits, {@code length} characters in all. */
    public static String uniqueName(String prefix, int length) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, length - prefix.length());
    }

    /** Signs up a new user with a fresh name on the server at {@code base}; the answer must be 201. */
    public static User register(URI base) {
        return register(base, PASSWORD);
    }

    /** The same with this password. */
    public static User register(URI base, String password) {
        String name = uniqueName("u", 21);
        Http.Response r = register(base, name, name + "@example.org", password);
        assertEquals(201, r.status(), r.body());
        JsonObject json = r.json();
        return new User(json.getJsonObject("user").getJsonNumber("id").longValueExact(), name, name + "@example.org",
                json.getString("token"));
    }

    /** {@code POST /auth/register} with these fields, whatever the answer. */
    public static Http.Response register(URI base, String username, String email, String password) {
        String body = Json.createObjectBuilder()
                .add("username", username).add("email", email).add("password", password).build().toString();
        return Http.send(HttpRequest.newBuilder(base.resolve("/auth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
