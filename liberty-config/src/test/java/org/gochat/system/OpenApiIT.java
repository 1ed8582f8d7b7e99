package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /openapi}: one document for the three services, with every route of the contract. */
@ExtendWith(GochatSystem.class)
class OpenApiIT {

    private static JsonObject document;

    @BeforeAll
    static void readDocument() {
        Http.Response response = Http.send(java.net.http.HttpRequest.newBuilder(GochatSystem.server().uri("/openapi"))
                .header("Accept", "application/json"));
        assertEquals(200, response.status());
        document = response.json();
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
            "GET, /chat/ws/rooms/{roomId}/messages, yes"})
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
