package org.gochat.system;

import static org.gochat.system.Chat.register;
import static org.gochat.system.Social.delete;
import static org.gochat.system.Social.follow;
import static org.gochat.system.Social.get;
import static org.gochat.system.Social.post;
import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Posts and the feed over HTTP, as the contract has them. */
@ExtendWith(GochatSystem.class)
class PostsApiIT {

    @Test
    void createAnswers201WithLocationAndThePostTrimmed() {
        User me = register();

        Http.Response r = post("/user/posts", me, "{\"content\":\"  hello world\\n \"}");

        assertEquals(201, r.status(), r.body());
        JsonObject post = r.json();
        long id = post.getJsonNumber("id").longValueExact();
        assertTrue(r.header("Location").endsWith("/user/posts/" + id), r.header("Location"));
        assertEquals(Set.of("id", "authorId", "authorUsername", "content", "createdAt"), post.keySet());
        assertEquals(me.id(), post.getJsonNumber("authorId").longValueExact());
        assertEquals(me.username(), post.getString("authorUsername"));
        assertEquals("hello world", post.getString("content"));
        String createdAt = post.getString("createdAt");
        assertTrue(createdAt.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z"), createdAt);
        assertTrue(Duration.between(Instant.parse(createdAt), Instant.now()).abs().toSeconds() < 60);

        Http.Response read = get("/user/posts/" + id, register());
        assertEquals(200, read.status());
        assertEquals(post, read.json());
    }

    @Test
    void contentIsOneTo500CharactersAfterTrimming() {
        User me = register();

        assertEquals(201, post("/user/posts", me, content(" " + "x".repeat(500) + " ")).status());
        assertEquals(201, post("/user/posts", me, content("y")).status());
        for (String bad : List.of("", "   ", " \t\n ", "x".repeat(501), " " + "x".repeat(501) + " ")) {
            Http.Response r = post("/user/posts", me, content(bad));
            assertProblem(r, 400);
            assertEquals("content", r.json().getJsonArray("errors").getJsonObject(0).getString("field"));
        }
        assertEquals(2, array(get("/user/" + me.id() + "/posts", me)).size());
    }

    @Test
    void malformedOrMistypedBodiesAre400() {
        User me = register();
        for (String bad : List.of("", "{", "not json", "[]", "\"text\"", "{}", "{\"content\":5}",
                "{\"content\":null}", "{\"content\":[\"x\"]}", "{\"text\":\"x\"}")) {
            assertProblem(post("/user/posts", me, bad), 400);
        }
        assertProblem(post("/user/posts", null, content("x")), 401);
        assertEquals(0, array(get("/user/" + me.id() + "/posts", me)).size());
    }

    @Test
    void unknownPostsAre404AndOnlyTheAuthorDeletes() {
        User author = register();
        User other = register();
        long id = id(post("/user/posts", author, content("mine")));

        assertProblem(get("/user/posts/" + (id + 1_000_000), author), 404);
        assertProblem(get("/user/posts/abc", author), 404);
        assertProblem(delete("/user/posts/" + id, other), 403);
        assertEquals(200, get("/user/posts/" + id, other).status());
        assertProblem(delete("/user/posts/" + (id + 1_000_000), author), 404);
        assertProblem(delete("/user/posts/" + id, null), 401);

        Http.Response deleted = delete("/user/posts/" + id, author);
        assertEquals(204, deleted.status());
        assertEquals("", deleted.body());
        assertProblem(get("/user/posts/" + id, author), 404);
        assertProblem(delete("/user/posts/" + id, author), 404);
    }

    @Test
    void aUsersPostsAreNewestFirstPagedByBefore() {
        User me = register();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            ids.add(0, id(post("/user/posts", me, content("post " + i))));
        }
        String path = "/user/" + me.id() + "/posts";

        assertEquals(ids.subList(0, 20), ids(array(get(path, me))));
        assertEquals(ids.subList(0, 5), ids(array(get(path + "?limit=5", me))));
        assertEquals(ids.subList(6, 9), ids(array(get(path + "?limit=3&before=" + ids.get(5), me))));
        assertEquals(ids, ids(array(get(path + "?limit=100", me))));
        assertEquals(List.of(), ids(array(get(path + "?before=" + ids.get(20), me))));
        assertBadPaging(path, me);
        assertProblem(get("/user/" + (me.id() + 1_000_000) + "/posts", me), 404);
    }

    @Test
    void feedHasOwnAndFollowedPostsNewestFirstAndPagesWithoutGapsWhilePostsArrive() {
        User me = register();
        User followed = register();
        User stranger = register();
        follow(me, followed);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            expected.add(0, id(post("/user/posts", i % 3 == 0 ? me : followed, content("p" + i))));
            post("/user/posts", stranger, content("not in the feed " + i));
        }

        JsonArray first = array(get("/user/feed", me));
        assertEquals(expected.subList(0, 20), ids(first));
        assertEquals(followed.username(), first.getJsonObject(0).getString("authorUsername"));

        List<Long> seen = new ArrayList<>();
        List<Long> arrived = new ArrayList<>();
        String before = "";
        while (true) {
            JsonArray page = array(get("/user/feed?limit=5" + before, me));
            if (page.isEmpty()) {
                break;
            }
            seen.addAll(ids(page));
            before = "&before=" + seen.get(seen.size() - 1);
            arrived.add(0, id(post("/user/posts", followed, content("while paging"))));
        }
        assertEquals(expected, seen);
        assertEquals(arrived, ids(array(get("/user/feed?limit=" + arrived.size(), me))));
        assertBadPaging("/user/feed", me);
        assertProblem(get("/user/feed", null), 401);
    }

    private static void assertBadPaging(String path, User user) {
        for (String bad : List.of("limit=0", "limit=101", "limit=-5", "limit=x", "before=x", "before=-1",
                "before=99999999999999999999")) {
            assertProblem(get(path + "?" + bad, user), 400);
        }
    }

    private static String content(String text) {
        return Json.createObjectBuilder().add("content", text).build().toString();
    }

    private static long id(Http.Response created) {
        assertEquals(201, created.status(), created.body());
        return created.json().getJsonNumber("id").longValueExact();
    }

    private static JsonArray array(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        return r.jsonArray();
    }

    private static List<Long> ids(JsonArray posts) {
        return posts.stream().map(p -> p.asJsonObject().getJsonNumber("id").longValueExact()).toList();
    }
}
