package org.gochat.system;

import static org.gochat.system.Chat.register;
import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP boundary of the three services as the contract has it: text with control characters,
 * malformed JSON, media types, cross-site requests that carry the cookie, the container's own
 * errors, the server's root, and no FFDC incident for any of these refusals.
 */
@ExtendWith(GochatSystem.class)
class HttpBoundaryIT {

    private static final String EVIL = "https://evil.example";
    /** Every route that reads a JSON body, with a body it accepts. */
    private static final Map<String, String> JSON_ROUTES = Map.of(
            "/auth/register", "{\"username\":\"x\",\"email\":\"x@example.org\",\"password\":\"correct horse\"}",
            "/auth/login", "{\"email\":\"x@example.org\",\"password\":\"correct horse\"}",
            "/user/posts", "{\"content\":\"x\"}",
            "/chat/ws/createRoom", "{\"name\":\"x\"}");

    @Test
    void textWithControlCharactersIs400NamingTheField() throws SQLException {
        User me = register();
        String name = AuthIT.unique();

        assertField(json("/auth/register", null, account(name + "\u0000", name + "@example.org", "correct horse")), "username");
        assertField(json("/auth/register", null, account(name, name + "\u0000@example.org", "correct horse")), "email");
        assertField(json("/auth/register", null, account(name, name + "@example.org", "correct\u0001horse")), "password");
        assertField(json("/auth/login", null, Json.createObjectBuilder()
                .add("email", me.email() + "\u0000").add("password", "correct horse").build().toString()), "email");
        assertField(json("/user/posts", me, post("before\u0000after")), "content");
        assertField(json("/user/posts", me, post("bell\u0007")), "content");
        assertField(json("/chat/ws/createRoom", me, Json.createObjectBuilder().add("name", "a\u001bb").build().toString()), "name");
        assertField(json("/chat/ws/createRoom", me, Json.createObjectBuilder().add("name", "a")
                .add("id", "r\u0000").build().toString()), "id");
        assertEquals(0, Social.number("SELECT count(*) FROM users WHERE username = ?", name));
        assertEquals(0, Social.number("SELECT count(*) FROM posts WHERE author_id = ?", me.id()));

        // Tab and newline are text.
        Http.Response tab = json("/user/posts", me, post("one\ttwo\nthree"));
        assertEquals(201, tab.status(), tab.body());
        assertEquals("one\ttwo\nthree", tab.json().getString("content"));
    }

    @Test
    void malformedJsonIs400OnEveryJsonRoute() {
        User me = register();
        List<String> bad = List.of(
                "{\"a\":".repeat(5000) + "1" + "}".repeat(5000), // nesting 5,000 deep
                "[".repeat(5000) + "]".repeat(5000),
                "{\"name\":\"a\u0000b\"}", // a raw NUL inside a string (the Java escape is the character)
                "{\"name\":\"x\"}\u0000",
                "{\"name\":\"x\"} trailing",
                "{\"name\":\"x\",\"name\":\"y\"}",
                "{\"content\":\"x\",\"content\":\"y\"}",
                "[]", "\"text\"", "42", "null", "", "{", "not json");
        for (String route : JSON_ROUTES.keySet()) {
            for (String body : bad) {
                Http.Response r = json(route, me, body);
                assertProblem(r, 400);
                assertFalse(r.body().contains("Exception") || r.body().contains("java."), r.body());
            }
            // Wrong types.
            assertProblem(json(route, me, "{\"username\":1,\"email\":[],\"password\":{},\"content\":5,\"name\":true}"), 400);
        }
    }

    @Test
    void jsonRoutesAcceptOnlyApplicationJson() {
        User me = register();
        for (Map.Entry<String, String> route : JSON_ROUTES.entrySet()) {
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
                assertProblem(Http.send(request(route.getKey(), route.getValue()).header("Content-Type", type)
                        .header("Cookie", cookie(me))), 415);
            }
            assertProblem(Http.send(request(route.getKey(), route.getValue())
                    .header("Authorization", "Bearer " + me.token())), 415); // no Content-Type at all
        }
        assertEquals(0, count("posts", me));
    }

    @Test
    void crossSiteWritesWithTheCookieAre403AndWithTheHeaderPass() throws SQLException {
        User me = register();
        User other = register();
        long postId = Social.post("/user/posts", me, post("mine")).json().getJsonNumber("id").longValueExact();

        for (HttpRequest.Builder write : List.of(
                request("/user/posts", post("forged")).header("Content-Type", "application/json"),
                request("/user/follow?toFollowId=" + other.id(), null),
                request("/user/unfollow?toUnfollowId=" + other.id(), null),
                request("/chat/ws/createRoom", "{\"name\":\"forged\"}").header("Content-Type", "application/json"),
                request("/auth/logout", null),
                request("/user/posts/" + postId, null).DELETE(),
                request("/user/delete", null).DELETE())) {
            for (Map.Entry<String, String> foreign : Map.of("Origin", EVIL, "Sec-Fetch-Site", "cross-site").entrySet()) {
                HttpRequest.Builder forged = write.copy().header("Cookie", cookie(me))
                        .header(foreign.getKey(), foreign.getValue());
                assertProblem(Http.send(forged), 403);
            }
            assertProblem(Http.send(write.copy().header("Cookie", cookie(me)).header("Origin", "null")), 403);
        }
        // Nothing happened: the post, the account and the token are still there, no edge, no room.
        assertEquals(1, count("posts", me));
        assertEquals(0, Social.number("SELECT count(*) FROM user_followers WHERE follower_id = ?", me.id()));
        assertEquals(0, Social.number("SELECT count(*) FROM rooms WHERE created_by = ?", me.id()));
        assertEquals(200, Social.get("/user/me", me).status());

        // Reading with the cookie from anywhere is fine (the response goes to the browser, not the site).
        assertEquals(200, Http.send(request("/user/me", null).GET().header("Cookie", cookie(me))
                .header("Origin", EVIL)).status());
        // The page's own origin, an allowed origin, and the same site by Sec-Fetch-Site pass with the cookie.
        String self = "http://localhost:" + GochatSystem.server().httpPort;
        assertEquals(201, Http.send(request("/user/posts", post("from the client")).header("Content-Type", "application/json")
                .header("Cookie", cookie(me)).header("Origin", self)).status());
        assertEquals(201, Http.send(request("/user/posts", post("from an allowed origin")).header("Content-Type", "application/json")
                .header("Cookie", cookie(me)).header("Origin", "https://chat.example.org")).status());
        assertEquals(200, Http.send(request("/user/follow?toFollowId=" + other.id(), null)
                .header("Cookie", cookie(me)).header("Sec-Fetch-Site", "same-origin")).status());

        // A token in the Authorization header is never sent by a browser on its own: any Origin passes.
        assertEquals(201, Http.send(request("/user/posts", post("by header")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + me.token()).header("Origin", EVIL)).status());
        assertEquals(201, Http.send(request("/chat/ws/createRoom", "{\"name\":\"by header\"}").header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + me.token()).header("Origin", EVIL)).status());
        assertEquals(200, Http.send(request("/user/unfollow?toUnfollowId=" + other.id(), null)
                .header("Authorization", "Bearer " + me.token()).header("Origin", EVIL)).status());
        assertEquals(204, Http.send(request("/user/posts/" + postId, null).DELETE()
                .header("Authorization", "Bearer " + me.token()).header("Origin", EVIL)).status());
        assertEquals(202, Http.send(request("/auth/logout", null)
                .header("Authorization", "Bearer " + me.token()).header("Origin", EVIL)).status());
        assertEquals(204, Http.send(request("/user/delete", null).DELETE()
                .header("Authorization", "Bearer " + other.token()).header("Origin", EVIL)).status());
    }

    @Test
    void anotherSiteCannotSignABrowserIn() {
        User me = register();
        String credentials = Json.createObjectBuilder().add("email", me.email()).add("password", "correct horse").build().toString();
        String name = AuthIT.unique();

        assertProblem(json("/auth/login", null, credentials, Map.of("Origin", EVIL)), 403);
        assertProblem(json("/auth/register", null, account(name, name + "@example.org", "correct horse"),
                Map.of("Sec-Fetch-Site", "cross-site")), 403);
        assertEquals(200, json("/auth/login", null, credentials,
                Map.of("Origin", "http://localhost:" + GochatSystem.server().httpPort)).status());
        assertEquals(200, json("/auth/login", null, credentials).status()); // not a browser
    }

    @Test
    void theContainersOwnErrorsAreProblemsWithoutInternals() throws IOException {
        for (String path : List.of("/chat/ws/getClients/%23", "/chat/ws/getClients/%2F", "/chat/ws/getClients/%2e%2e",
                "/user/%2F", "/auth/%23", "/%23")) {
            Http.Response r = Http.get(GochatSystem.server().uri(path));
            assertProblem(r, 400);
            assertNoInternals(r);
        }
        // Refused by Liberty before any application is chosen (a control character, bad hex): its
        // own short 400, which names nothing of the server. (java.net.URI refuses bad hex, so that
        // one goes over a plain socket.)
        for (String path : List.of("/user/%03", "/chat/ws/getClients/%00")) {
            Http.Response r = Http.get(GochatSystem.server().uri(path));
            assertEquals(400, r.status(), r.body());
            assertNoInternals(r);
        }
        String badHex = rawGet("/user/%zz");
        assertTrue(badHex.startsWith("HTTP/1.1 400 "), badHex);
        assertNoInternals(new Http.Response(400, null, badHex.substring(badHex.indexOf("\r\n\r\n") + 4)));
        for (String path : List.of("/nope", "/nope/deeper", "/auth/nope", "/user/nope", "/chat/nope", "/chat/app/nope.js",
                "/auth/error-page")) {
            Http.Response r = Http.get(GochatSystem.server().uri(path));
            assertProblem(r, 404);
            assertNoInternals(r);
        }
        Http.Response put = Http.send(HttpRequest.newBuilder(GochatSystem.server().uri("/auth/login"))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertProblem(put, 405);
        assertEquals(Set.of("POST", "OPTIONS"), methods(put.header("Allow")));
        Http.Response get = Http.get(GochatSystem.server().uri("/user/follow"));
        assertProblem(get, 405);
        assertTrue(methods(get.header("Allow")).contains("POST"), get.header("Allow"));
        Http.Response deleteRoot = Http.send(HttpRequest.newBuilder(GochatSystem.server().uri("/")).DELETE());
        assertProblem(deleteRoot, 405);
        assertEquals(Set.of("GET", "HEAD"), methods(deleteRoot.header("Allow")));
    }

    @Test
    void theRootSendsBrowsersToTheClient() {
        Http.Response root = Http.get(GochatSystem.server().uri("/"));
        assertEquals(302, root.status(), root.body());
        assertEquals(GochatSystem.server().uri("/chat/app/").toString(), root.header("Location"));

        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        Http.Response client = Http.send(following, HttpRequest.newBuilder(GochatSystem.server().uri("/")).GET());
        assertEquals(200, client.status());
        assertTrue(client.header("Content-Type").startsWith("text/html"), client.header("Content-Type"));
        assertTrue(client.body().contains("<title>GoChat</title>"), client.body());
    }

    @Test
    void refusalsWriteNoFfdcIncident() throws IOException, SQLException {
        User me = register();
        User other = register();
        long othersPost = Social.post("/user/posts", other, post("theirs")).json().getJsonNumber("id").longValueExact();
        User gone = register();
        assertEquals(204, Social.delete("/user/delete", gone).status());
        Set<Path> before = ffdcFiles();

        // Refusals from inside transactions (@Transactional) and from the boundary.
        assertProblem(Social.delete("/user/posts/999999999", me), 404);
        assertProblem(Social.delete("/user/posts/" + othersPost, me), 403);
        assertProblem(Social.post("/user/follow?toFollowId=999999999", me, null), 404);
        assertProblem(Social.post("/user/unfollow?toUnfollowId=999999999", me, null), 404);
        assertProblem(json("/auth/register", null, account(me.username(), AuthIT.unique() + "@example.org", "correct horse")), 409);
        // Refused after its insert (a deleted account's username): rolled back, not committed.
        assertProblem(json("/auth/register", null, account(gone.username(), AuthIT.unique() + "@example.org", "correct horse")), 409);
        assertEquals(0, Social.number("SELECT count(*) FROM users WHERE lower(username) = lower(?)", gone.username()));
        assertProblem(json("/user/posts", me, post(" ")), 400);
        assertProblem(json("/user/posts", me, post("nul\u0000")), 400);
        assertProblem(json("/chat/ws/createRoom", me, "{\"a\":".repeat(5000) + "1" + "}".repeat(5000)), 400);
        assertProblem(json("/auth/login", null, "[".repeat(5000) + "]".repeat(5000)), 400);
        assertProblem(Http.send(request("/user/posts", post("x")).header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + me.token())), 415);
        assertProblem(Http.send(request("/user/posts", post("x")).header("Content-Type", "application/json")
                .header("Cookie", cookie(me)).header("Origin", EVIL)), 403);
        assertProblem(Http.get(GochatSystem.server().uri("/chat/ws/getClients/%23")), 400);
        assertProblem(Http.get(GochatSystem.server().uri("/nope")), 404);

        assertEquals(before, ffdcFiles(), "FFDC incidents were written for refusals");
    }

    private static void assertField(Http.Response r, String field) {
        assertProblem(r, 400);
        JsonObject error = r.json().getJsonArray("errors").getJsonObject(0);
        assertEquals(field, error.getString("field"), r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("java."), r.body());
    }

    /** The whole answer (status line, headers, body) to a GET of {@code path}, sent as it is over a plain socket. */
    private static String rawGet(String path) throws IOException {
        URI base = GochatSystem.server().uri("/");
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertNoInternals(Http.Response r) {
        for (String leak : List.of("Exception", "java.", "com.ibm", "at org.", "<html")) {
            assertFalse(r.body().contains(leak), r.body());
        }
    }

    private static Set<String> methods(String allow) {
        return Stream.of(allow.split(",")).map(String::trim).collect(Collectors.toSet());
    }

    private static String account(String username, String email, String password) {
        return Json.createObjectBuilder().add("username", username).add("email", email).add("password", password).build().toString();
    }

    private static String post(String content) {
        return Json.createObjectBuilder().add("content", content).build().toString();
    }

    private static long count(String table, User author) {
        try {
            return Social.number("SELECT count(*) FROM " + table + " WHERE author_id = ?", author.id());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POST {@code body} as application/json, by {@code user}'s Bearer token when given. */
    private static Http.Response json(String path, User user, String body) {
        return json(path, user, body, Map.of());
    }

    private static Http.Response json(String path, User user, String body, Map<String, String> headers) {
        HttpRequest.Builder b = request(path, body).header("Content-Type", "application/json");
        if (user != null) {
            b.header("Authorization", "Bearer " + user.token());
        }
        headers.forEach(b::header);
        return Http.send(b);
    }

    /** A POST of {@code body} (none when null), without Content-Type or credentials. */
    private static HttpRequest.Builder request(String path, String body) {
        return HttpRequest.newBuilder(GochatSystem.server().uri(path))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    private static Set<Path> ffdcFiles() throws IOException {
        Path ffdc = GochatSystem.server().serverDir().resolve("logs/ffdc");
        if (!Files.isDirectory(ffdc)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(ffdc)) {
            return files.collect(Collectors.toSet());
        }
    }

    /** What a browser sends for a signed-in user: the session cookie. */
    private static String cookie(User user) {
        return "auth_token=" + user.token();
    }
}
