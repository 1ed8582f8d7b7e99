package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may call a route is decided before anything else about the request: without a valid token,
 * an authenticated route answers 401 whatever is wrong with its path, parameters, media type or
 * body; with one, the same requests get the answer of what is wrong with them (which shows the
 * 401 is not simply the only answer these requests can get). Nothing is written either way.
 */
@ExtendWith(GochatSystem.class)
class AuthenticationFirstIT {

    private static final String TOO_LARGE = "{\"content\":\"" + "x".repeat(70 * 1024) + "\"}";
    /** In the text of every post this class sends: none may be stored (other tests' posts may say anything, even "x"). */
    private static final String MARK = "refused-" + UUID.randomUUID();

    /** A request with something wrong besides its credentials, and the status it gets with a valid token. */
    private record Bad(String method, String path, String contentType, String body, int withToken) {
    }

    private static final List<Bad> BAD = List.of(
            new Bad("GET", "/user/-1", null, null, 404), // today's example: was 404 without a token
            new Bad("GET", "/user/99999999999999999999", null, null, 404),
            new Bad("GET", "/user/-1/followers", null, null, 404),
            new Bad("GET", "/user/lookup?username=a", null, null, 400),
            new Bad("GET", "/user/1/following?limit=0", null, null, 400),
            new Bad("GET", "/user/1/posts?before=x", null, null, 400),
            new Bad("GET", "/user/posts/-5", null, null, 404),
            new Bad("DELETE", "/user/posts/99999999999999999999", null, null, 404),
            new Bad("GET", "/user/feed?limit=1000", null, null, 400),
            new Bad("POST", "/user/follow?toFollowId=abc", null, null, 400),
            new Bad("POST", "/user/unfollow", null, null, 400),
            new Bad("POST", "/user/posts", null, "{\"content\":\"no type " + MARK + "\"}", 415), // no Content-Type at all
            new Bad("POST", "/user/posts", "text/plain", "{\"content\":\"" + MARK + "\"}", 415),
            new Bad("POST", "/user/posts", "application/json", "not json", 400),
            new Bad("POST", "/user/posts", "application/json", "{\"content\":\" \"}", 400),
            new Bad("POST", "/user/posts", "application/json", TOO_LARGE, 413),
            new Bad("POST", "/chat/ws/createRoom", null, "{\"name\":\"x\"}", 415),
            new Bad("POST", "/chat/ws/createRoom", "application/json", "{\"id\":\"not an id!\",\"name\":\"\"}", 400),
            new Bad("GET", "/chat/ws/getRooms?limit=-1", null, null, 400),
            new Bad("GET", "/chat/ws/getRooms?after=not%20an%20id", null, null, 400),
            new Bad("GET", "/chat/ws/getClients/not%20a%20room", null, null, 404),
            new Bad("GET", "/chat/ws/rooms/nosuchroom/messages?before=0", null, null, 400),
            new Bad("POST", "/chat/ws/direct/abc", null, null, 400),
            new Bad("GET", "/chat/ws/inbox?limit=0", null, null, 400),
            new Bad("GET", "/chat/ws/rooms/nosuchroom/members", null, null, 404),
            new Bad("PUT", "/chat/ws/rooms/nosuchroom/members/abc", null, null, 400),
            new Bad("PUT", "/chat/ws/rooms/nosuchroom/members/1", "text/plain", "{\"role\":\"member\"}", 415),
            new Bad("DELETE", "/chat/ws/rooms/nosuchroom/members/1?ban=maybe", null, null, 400),
            new Bad("DELETE", "/chat/ws/rooms/nosuchroom", null, null, 404),
            new Bad("PUT", "/chat/ws/rooms/nosuchroom/read", "application/json", "{\"seq\":-1}", 400),
            new Bad("POST", "/auth/logout", "text/plain", "x", 202));

    @Test
    void withoutATokenEveryBadRequestToAnAuthenticatedRouteIs401() throws SQLException {
        for (Bad bad : BAD) {
            for (String credentials : List.of("", "Bearer not.a.token", "Basic eDp4")) {
                HttpRequest.Builder request = request(bad);
                if (!credentials.isEmpty()) {
                    request.header("Authorization", credentials);
                }
                Http.Response r = Http.send(request);
                assertEquals(401, r.status(), bad + " with '" + credentials + "': " + r.body());
                assertProblem(r, 401);
            }
            // An expired cookie is no caller either.
            assertProblem(Http.send(request(bad).header("Cookie", "auth_token=not.a.token")), 401);
        }
        assertEquals(0, Social.number("SELECT count(*) FROM posts WHERE content LIKE ?", "%" + MARK));
    }

    @Test
    void withATokenTheSameRequestsGetWhatIsWrongWithThem() {
        for (Bad bad : BAD) {
            User me = Chat.register(); // logout ends the token: one user per request
            Http.Response r = Http.send(request(bad).header("Authorization", "Bearer " + me.token()));
            assertEquals(bad.withToken(), r.status(), bad + ": " + r.body());
            if (bad.withToken() >= 400) {
                assertProblem(r, bad.withToken());
            }
        }
    }

    private static HttpRequest.Builder request(Bad bad) {
        HttpRequest.Builder b = HttpRequest.newBuilder(GochatSystem.server().uri(bad.path())).method(bad.method(),
                bad.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(bad.body()));
        if (bad.contentType() != null) {
            b.header("Content-Type", bad.contentType());
        }
        return b;
    }
}
