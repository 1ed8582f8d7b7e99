package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /openapi}: one document for the three services, with every route of the contract, and a
 * server that answers as the document says.
 */
@ExtendWith(GochatSystem.class)
class OpenApiIT {

    private static JsonObject document;

    @BeforeAll
    static void readDocument() {
        Http.Response response = Http.send(HttpRequest.newBuilder(GochatSystem.server().uri("/openapi"))
                .header("Accept", "application/json"));
        assertEquals(200, response.status());
        document = response.json();
    }

    @Test
    void theDocumentIsGoChats() {
        JsonObject info = document.getJsonObject("info");
        assertEquals("GoChat", info.getString("title"), info.toString());
        assertEquals("1.0.0", info.getString("version"), info.toString());
        assertTrue(info.getString("description", "").contains("chat rooms"), info.toString());
    }

    /** One tag per service, and every operation under the tag of the service its path belongs to. */
    @Test
    void everyOperationIsTaggedWithItsService() {
        List<String> tags = document.getJsonArray("tags").getValuesAs(JsonObject.class).stream()
                .peek(tag -> assertFalse(tag.getString("description", "").isBlank(), tag.toString()))
                .map(tag -> tag.getString("name")).sorted().toList();
        assertEquals(List.of("auth", "chat", "user"), tags);
        int operations = 0;
        for (Map.Entry<String, JsonValue> path : document.getJsonObject("paths").entrySet()) {
            String service = path.getKey().split("/")[1];
            for (Map.Entry<String, JsonValue> operation : path.getValue().asJsonObject().entrySet()) {
                if (operation.getKey().equals("parameters")) {
                    continue;
                }
                assertEquals(Json.createArrayBuilder().add(service).build(), operation.getValue().asJsonObject().get("tags"),
                        operation.getKey() + " " + path.getKey());
                operations++;
            }
        }
        assertTrue(operations >= 23, "operations: " + operations);
    }

    /** JSON for clients that ask for it (alone or among other types), YAML otherwise. */
    @ParameterizedTest(name = "Accept: {0}")
    @CsvSource(delimiter = '|', value = {"application/json", "application/json, text/plain, */*"})
    void clientsAskingForJsonGetJson(String accept) {
        Http.Response r = Http.send(HttpRequest.newBuilder(GochatSystem.server().uri("/openapi")).header("Accept", accept));
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        assertEquals("GoChat", r.json().getJsonObject("info").getString("title"));
    }

    @Test
    void otherClientsGetYaml() {
        Http.Response r = Http.get(GochatSystem.server().uri("/openapi"));
        assertEquals(200, r.status());
        assertFalse(r.header("Content-Type").contains("json"), r.header("Content-Type"));
        assertTrue(Pattern.compile("\\A(---\\R)?openapi: 3\\.").matcher(r.body()).find(), r.body());
    }

    /**
     * A request the container would not upgrade is answered by the route, with a status the
     * document lists: 426 problem+json naming the protocol to ask for.
     */
    @Test
    void theHandshakeRouteWithoutUpgradeAnswers426() {
        User user = Chat.register();
        String room = createRoom(user);
        Http.Response r = Social.get("/chat/ws/joinRoom/" + room + "?since=0", user);
        assertProblem(r, 426);
        assertEquals("websocket", r.header("Upgrade"));
        assertDocumented("GET", "/chat/ws/joinRoom/{roomId}", r);
        // The handshake's own checks come first, with their documented answers.
        Http.Response negativeSince = Social.get("/chat/ws/joinRoom/" + room + "?since=-1", user);
        assertProblem(negativeSince, 400);
        assertDocumented("GET", "/chat/ws/joinRoom/{roomId}", negativeSince);
        Http.Response unknownRoom = Social.get("/chat/ws/joinRoom/no-such-room-" + UUID.randomUUID(), user);
        assertProblem(unknownRoom, 404);
        assertDocumented("GET", "/chat/ws/joinRoom/{roomId}", unknownRoom);
        Http.Response userSocket = Social.get("/chat/ws/me", user);
        assertProblem(userSocket, 426);
        assertDocumented("GET", "/chat/ws/me", userSocket);
    }

    /**
     * The document and the server agree at the limits the document declares. For a sample of
     * routes, one query parameter or body field at a time is sent with values at its declared
     * bounds (minimum and maximum, minLength and maxLength, each with the value just outside)
     * and values an undeclared limit would refuse (negative, empty, blank, a domain without a
     * dot); the rest of the request is valid. The server refuses with 400 exactly the values the
     * document refuses, and answers every request with a status the document lists for it.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "GET, /user/{id}/followers, limit",
            "GET, /user/{id}/followers, after",
            "GET, /user/{id}/posts, before",
            "GET, /user/feed, limit",
            "GET, /user/lookup, username",
            "GET, /user/feed, before",
            "GET, /chat/ws/getRooms, limit",
            "GET, /chat/ws/getRooms, after",
            "GET, /chat/ws/rooms/{roomId}/messages, before",
            "GET, /chat/ws/rooms/{roomId}/messages, limit",
            "GET, /chat/ws/rooms/{roomId}/members, limit",
            "GET, /chat/ws/rooms/{roomId}/members, after",
            "GET, /chat/ws/inbox, limit",
            "POST, /auth/register, username",
            "POST, /auth/register, email",
            "POST, /auth/register, password",
            "POST, /auth/login, email",
            "POST, /auth/login, password",
            "POST, /user/posts, content",
            "POST, /chat/ws/createRoom, name",
            "POST, /chat/ws/createRoom, id"})
    void theServerRefusesExactlyWhatTheDocumentRefuses(String method, String path, String field) {
        JsonObject schema = schemaOf(method, path, field);
        User user = Chat.register();
        String room = path.contains("{roomId}") ? createRoom(user) : null;
        List<String> refusedByTheDocumentOnly = new ArrayList<>();
        List<String> refusedByTheServerOnly = new ArrayList<>();
        for (String value : candidates(schema, field)) {
            boolean documentAccepts = accepts(schema, value);
            Http.Response r = send(method, path, field, value, user, room);
            assertDocumented(method, path, r);
            if (documentAccepts && r.status() == 400) {
                refusedByTheServerOnly.add(value + " -> " + r.body());
            } else if (!documentAccepts && r.status() != 400) {
                refusedByTheDocumentOnly.add(value + " -> " + r.status());
            }
        }
        assertEquals(List.of(), refusedByTheServerOnly, "schema " + schema + ": accepted by the document, refused by the server");
        assertEquals(List.of(), refusedByTheDocumentOnly, "schema " + schema + ": refused by the document, accepted by the server");
    }

    /** The schema of a query parameter or of a JSON body's property. */
    private static JsonObject schemaOf(String method, String path, String name) {
        JsonObject item = document.getJsonObject("paths").getJsonObject(path);
        JsonObject operation = item.getJsonObject(method.toLowerCase(Locale.ROOT));
        List<JsonObject> parameters = new ArrayList<>();
        for (JsonObject o : List.of(item, operation)) {
            if (o.containsKey("parameters")) {
                o.getJsonArray("parameters").getValuesAs(JsonObject.class).stream().map(OpenApiIT::resolve).forEach(parameters::add);
            }
        }
        for (JsonObject parameter : parameters) {
            if (parameter.getString("name").equals(name) && parameter.getString("in").equals("query")) {
                return resolve(parameter.getJsonObject("schema"));
            }
        }
        JsonObject body = resolve(operation.getJsonObject("requestBody").getJsonObject("content")
                .getJsonObject("application/json").getJsonObject("schema"));
        return resolve(body.getJsonObject("properties").getJsonObject(name));
    }

    private static JsonObject resolve(JsonObject object) {
        if (!object.containsKey("$ref")) {
            return object;
        }
        JsonValue target = document;
        for (String part : object.getString("$ref").substring(2).split("/")) {
            target = target.asJsonObject().get(part);
        }
        return target.asJsonObject();
    }

    /** Values at and just past every declared bound, and those an undeclared bound would refuse. */
    private static Set<String> candidates(JsonObject schema, String field) {
        Set<String> values = new LinkedHashSet<>();
        if (schema.getString("type").equals("integer")) {
            values.addAll(List.of("-1", "0", "1", String.valueOf(Long.MIN_VALUE)));
            if (schema.containsKey("minimum")) {
                long min = schema.getJsonNumber("minimum").longValueExact();
                values.addAll(List.of(String.valueOf(min - 1), String.valueOf(min)));
            }
            if (schema.containsKey("maximum")) {
                long max = schema.getJsonNumber("maximum").longValueExact();
                values.addAll(List.of(String.valueOf(max), String.valueOf(max + 1)));
            }
            return values;
        }
        IntFunction<String> ofLength = field.equals("email") ? OpenApiIT::email : OpenApiIT::letters;
        values.addAll(List.of("", " ", "   ", " ".repeat(8), ofLength.apply(1), ofLength.apply(8)));
        if (schema.containsKey("minLength")) {
            int min = schema.getInt("minLength");
            values.addAll(List.of(ofLength.apply(Math.max(0, min - 1)), ofLength.apply(min)));
        }
        if (schema.containsKey("maxLength")) {
            int max = schema.getInt("maxLength");
            values.addAll(List.of(ofLength.apply(max), ofLength.apply(max + 1)));
        }
        if (field.equals("email")) {
            values.addAll(List.of("someone@localhost", "someone@example", "someone.example.org"));
        }
        return values;
    }

    /** Whether the document's schema accepts the value (JSON Schema: lengths in characters, patterns unanchored). */
    private static boolean accepts(JsonObject schema, String value) {
        if (schema.getString("type").equals("integer")) {
            long n = Long.parseLong(value);
            return (!schema.containsKey("minimum") || n >= schema.getJsonNumber("minimum").longValueExact())
                    && (!schema.containsKey("maximum") || n <= schema.getJsonNumber("maximum").longValueExact());
        }
        int length = value.codePointCount(0, value.length());
        return (!schema.containsKey("minLength") || length >= schema.getInt("minLength"))
                && (!schema.containsKey("maxLength") || length <= schema.getInt("maxLength"))
                && (!schema.containsKey("pattern") || Pattern.compile(schema.getString("pattern")).matcher(value).find());
    }

    /** The request with this one parameter or field set to the value, everything else valid. */
    private static Http.Response send(String method, String path, String field, String value, User user, String room) {
        String route = path.replace("{id}", String.valueOf(user.id())).replace("{roomId}", room == null ? "" : room);
        if (method.equals("GET")) {
            return Social.get(route + "?" + field + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8), user);
        }
        var body = Json.createObjectBuilder();
        switch (path) {
            case "/auth/register" -> body.add("username", letters(12)).add("email", email(30)).add("password", "correct horse");
            case "/auth/login" -> body.add("email", email(30)).add("password", "wrong horse");
            case "/chat/ws/createRoom" -> body.add("id", "r-" + UUID.randomUUID()).add("name", "Boundaries");
            default -> { }
        }
        return Social.call(method, route, path.startsWith("/auth/") ? null : user, body.add(field, value).build().toString());
    }

    /** Fails unless the document lists the response's status for the operation. */
    private static void assertDocumented(String method, String path, Http.Response r) {
        JsonObject responses = document.getJsonObject("paths").getJsonObject(path)
                .getJsonObject(method.toLowerCase(Locale.ROOT)).getJsonObject("responses");
        assertTrue(responses.containsKey(String.valueOf(r.status())),
                () -> method + " " + path + " answered " + r.status() + ", documented: " + responses.keySet() + "; " + r.body());
    }

    private static String createRoom(User user) {
        String id = "r-" + UUID.randomUUID();
        assertEquals(201, Social.post("/chat/ws/createRoom", user, "{\"id\":\"" + id + "\",\"name\":\"Boundaries\"}").status());
        return id;
    }

    /** Random letters, so that values of one length never collide (usernames, room ids). */
    private static String letters(int length) {
        StringBuilder s = new StringBuilder(length);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    /** A well-formed email address of this length (letters below 7): local part, labels of at most 63, ".org". */
    private static String email(int length) {
        if (length < 7) {
            return letters(length);
        }
        int local = Math.min(64, length - 6);
        int domain = length - local - 1;
        StringBuilder s = new StringBuilder(letters(local)).append('@');
        while (domain >= 69) {
            s.append(letters(63)).append('.');
            domain -= 64;
        }
        return s.append(letters(domain - 4)).append(".org").toString();
    }

    /**
     * Every route of API.md's tables (auth, user, posts and feed, chat; joinRoom as its GET
     * handshake), with its Auth column: an authenticated route names both security schemes and
     * documents its 401 problem.
     */
    @ParameterizedTest(name = "{0} {1} (auth: {2})")
    @CsvSource({
            "GET, /auth/, no",
            "POST, /auth/register, no",
            "POST, /auth/login, no",
            "POST, /auth/logout, yes",
            "GET, /user/, no",
            "GET, /user/me, yes",
            "GET, /user/{id}, yes",
            "GET, /user/lookup, yes",
            "GET, /user/{id}/followers, yes",
            "GET, /user/{id}/following, yes",
            "POST, /user/follow, yes",
            "POST, /user/unfollow, yes",
            "DELETE, /user/delete, yes",
            "POST, /user/posts, yes",
            "GET, /user/posts/{postId}, yes",
            "DELETE, /user/posts/{postId}, yes",
            "GET, /user/{id}/posts, yes",
            "GET, /user/feed, yes",
            "GET, /chat/, no",
            "POST, /chat/ws/createRoom, yes",
            "GET, /chat/ws/getRooms, yes",
            "GET, /chat/ws/getClients/{roomId}, yes",
            "GET, /chat/ws/joinRoom/{roomId}, yes",
            "GET, /chat/ws/rooms/{roomId}/messages, yes",
            "POST, /chat/ws/direct/{userId}, yes",
            "GET, /chat/ws/rooms/{roomId}/members, yes",
            "PUT, /chat/ws/rooms/{roomId}/members/{userId}, yes",
            "DELETE, /chat/ws/rooms/{roomId}/members/{userId}, yes",
            "DELETE, /chat/ws/rooms/{roomId}, yes",
            "PUT, /chat/ws/rooms/{roomId}/read, yes",
            "GET, /chat/ws/inbox, yes",
            "GET, /chat/ws/me, yes"})
    void theRouteIsDocumented(String method, String path, String auth) {
        JsonObject paths = document.getJsonObject("paths");
        JsonObject item = paths.getJsonObject(path);
        assertNotNull(item, () -> path + " is not in " + paths.keySet());
        JsonObject operation = item.getJsonObject(method.toLowerCase(Locale.ROOT));
        assertNotNull(operation, () -> method + " " + path + " is not in " + item);
        assertTrue(operation.getJsonObject("responses").keySet().stream().anyMatch(status -> status.matches("1..|2..")),
                operation.toString());
        if (auth.equals("yes")) {
            assertEquals(Set.of("bearer", "cookie"), operation.getJsonArray("security").getValuesAs(JsonObject.class)
                    .stream().flatMap(requirement -> requirement.keySet().stream()).collect(Collectors.toSet()));
            assertTrue(operation.getJsonObject("responses").containsKey("401"), operation.toString());
        } else {
            assertFalse(operation.containsKey("security"), operation.toString());
        }
    }

    @Test
    void theSharedComponentsAreMergedNotRenamed() {
        JsonObject components = document.getJsonObject("components");
        assertEquals(Set.of("bearer", "cookie"), components.getJsonObject("securitySchemes").keySet());
        assertTrue(components.getJsonObject("schemas").keySet().stream().noneMatch(name -> name.matches(".*[0-9]$")),
                components.getJsonObject("schemas").keySet().toString());
        assertTrue(components.getJsonObject("responses").keySet().stream().noneMatch(name -> name.matches(".*[0-9]$")),
                components.getJsonObject("responses").keySet().toString());
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/components/"), ref);
            JsonValue target = document;
            for (String part : ref.substring(2).split("/")) {
                assertTrue(target instanceof JsonObject o && o.containsKey(part), () -> ref + " does not resolve");
                target = ((JsonObject) target).get(part);
            }
        }
    }

    private static void collectRefs(JsonValue value, List<String> refs) {
        if (value instanceof JsonObject object) {
            object.forEach((key, v) -> {
                if (key.equals("$ref")) {
                    refs.add(((JsonString) v).getString());
                } else {
                    collectRefs(v, refs);
                }
            });
        } else if (value instanceof JsonArray array) {
            array.forEach(v -> collectRefs(v, refs));
        }
    }

    @Test
    void bearerTokenAndCookieAreTheSecuritySchemes() {
        JsonObject schemes = document.getJsonObject("components").getJsonObject("securitySchemes");
        assertEquals("bearer", schemes.getJsonObject("bearer").getString("scheme"));
        assertEquals("cookie", schemes.getJsonObject("cookie").getString("in"));
        assertEquals("auth_token", schemes.getJsonObject("cookie").getString("name"));
    }

    @Test
    void errorsAreProblemDocuments() {
        JsonObject problem = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem");
        assertNotNull(problem, "components.schemas.Problem");
        assertTrue(problem.getJsonObject("properties").keySet().containsAll(
                Set.of("type", "title", "status", "detail")), problem.toString());
    }
}
