package org.gochat.system;

import static org.gochat.system.Chat.register;
import static org.gochat.system.Social.follow;
import static org.gochat.system.Social.get;
import static org.gochat.system.Social.post;
import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The user section of the contract over HTTP: profiles, lookup by username, followers and following, follow and unfollow. */
@ExtendWith(GochatSystem.class)
class UsersApiIT {

    @Test
    void meIsTheCallersProfileWithEmailAndCounts() {
        User me = register();
        User other = register();
        follow(me, other);

        Http.Response r = get("/user/me", me);

        assertEquals(200, r.status());
        assertEquals(Json.createObjectBuilder().add("id", me.id()).add("username", me.username())
                .add("email", me.email()).add("followers", 0).add("following", 1).build(), r.json());
    }

    @Test
    void meAcceptsTheCookieAndRejectsNoOrABadToken() {
        User me = register();
        Http.Response byCookie = Http.send(HttpRequest.newBuilder(GochatSystem.server().uri("/user/me"))
                .header("Cookie", "auth_token=" + me.token()));
        assertEquals(200, byCookie.status());
        assertEquals(me.id(), byCookie.json().getJsonNumber("id").longValueExact());

        assertProblem(get("/user/me", null), 401);
        assertProblem(get("/user/me", new User(me.id(), me.username(), me.email(), me.token() + "x")), 401);
    }

    @Test
    void profileHasCountsButNoEmailAndUnknownIs404() {
        User me = register();
        User other = register();
        follow(other, me);

        Http.Response r = get("/user/" + me.id(), other);

        assertEquals(200, r.status());
        assertEquals(Json.createObjectBuilder().add("id", me.id()).add("username", me.username())
                .add("followers", 1).add("following", 0).build(), r.json());
        assertProblem(get("/user/" + (me.id() + 1_000_000), me), 404);
        assertProblem(get("/user/abc", me), 404);
    }

    @Test
    void lookupFindsAUserByUsernameIgnoringCase() {
        User me = register();
        User other = register();

        for (String name : List.of(other.username(), other.username().toUpperCase(Locale.ROOT))) {
            Http.Response r = get("/user/lookup?username=" + name, me);
            assertEquals(200, r.status());
            assertEquals(Json.createObjectBuilder().add("id", other.id()).add("username", other.username())
                    .add("followers", 0).add("following", 0).build(), r.json());
        }
        assertProblem(get("/user/lookup?username=nobody-" + System.nanoTime(), me), 404);
        for (String bad : List.of("", "ab", "a".repeat(33), "no%20spaces", "semi%3Bcolon")) {
            assertProblem(get("/user/lookup?username=" + bad, me), 400);
        }
        assertProblem(get("/user/lookup", me), 400);
        assertProblem(get("/user/lookup?username=" + other.username(), null), 401);
    }

    @Test
    void followAndUnfollowAreIdempotentAndUpdateBothSides() {
        User me = register();
        User other = register();
        JsonObject edge = Json.createObjectBuilder().add("followerId", me.id()).add("followingId", other.id()).build();

        for (int i = 0; i < 2; i++) {
            Http.Response r = post("/user/follow?toFollowId=" + other.id(), me, null);
            assertEquals(200, r.status());
            assertEquals(edge, r.json());
        }
        assertEquals(1, counts(me).getInt("following"));
        assertEquals(1, counts(other).getInt("followers"));

        for (int i = 0; i < 2; i++) {
            Http.Response r = post("/user/unfollow?toUnfollowId=" + other.id(), me, null);
            assertEquals(200, r.status());
            assertEquals(edge, r.json());
        }
        assertEquals(0, counts(me).getInt("following"));
        assertEquals(0, counts(other).getInt("followers"));
    }

    @Test
    void followAndUnfollowRejectMissingBadOwnAndUnknownIds() {
        User me = register();
        for (String route : List.of("follow?toFollowId", "unfollow?toUnfollowId")) {
            String path = "/user/" + route;
            assertProblem(post(path.substring(0, path.indexOf('?')), me, null), 400);
            assertProblem(post(path + "=", me, null), 400);
            assertProblem(post(path + "=abc", me, null), 400);
            assertProblem(post(path + "=1.5", me, null), 400);
            assertProblem(post(path + "=99999999999999999999", me, null), 400);
            assertProblem(post(path + "=" + me.id(), me, null), 400);
            assertProblem(post(path + "=" + (me.id() + 1_000_000), me, null), 404);
            assertProblem(post(path + "=1", null, null), 401);
        }
        assertEquals(0, counts(me).getInt("following"));
    }

    @Test
    void followersAndFollowingArePagedByIdWithLimitAndAfter() {
        User star = register();
        User a = register();
        User b = register();
        User c = register();
        for (User fan : List.of(c, a, b)) {
            follow(fan, star);
            follow(star, fan);
        }
        JsonArray all = Json.createArrayBuilder().add(ref(a)).add(ref(b)).add(ref(c)).build();

        for (String list : List.of("followers", "following")) {
            String path = "/user/" + star.id() + "/" + list;
            assertEquals(all, array(get(path, a)));
            assertEquals(all.subList(0, 2), array(get(path + "?limit=2", a)));
            assertEquals(all.subList(2, 3), array(get(path + "?limit=2&after=" + b.id(), a)));
            assertEquals(List.of(), array(get(path + "?after=" + c.id(), a)));
            assertEquals(all, array(get(path + "?limit=100&after=0", a)));
            for (String bad : List.of("limit=0", "limit=101", "limit=abc", "limit=", "after=abc", "after=-1",
                    "after=1e3")) {
                assertProblem(get(path + "?" + bad, a), 400);
            }
            assertProblem(get("/user/" + (star.id() + 1_000_000) + "/" + list, a), 404);
            assertProblem(get(path, null), 401);
        }
    }

    @Test
    void followersDefaultToFiftyPerPage() {
        User star = register();
        for (int i = 0; i < 51; i++) {
            follow(register(), star);
        }
        JsonArray first = array(get("/user/" + star.id() + "/followers", star));
        assertEquals(50, first.size());
        long last = first.getJsonObject(49).getJsonNumber("id").longValueExact();
        assertEquals(1, array(get("/user/" + star.id() + "/followers?after=" + last, star)).size());
        assertEquals(51, counts(star).getInt("followers"));
    }

    private static JsonObject counts(User user) {
        Http.Response r = get("/user/" + user.id(), user);
        assertEquals(200, r.status());
        return r.json();
    }

    private static JsonObject ref(User user) {
        return Json.createObjectBuilder().add("id", user.id()).add("username", user.username()).build();
    }

    private static JsonArray array(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        return r.jsonArray();
    }
}
