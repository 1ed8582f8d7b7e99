package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import org.gochat.testkit.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad token against a protected route of each service, in the Authorization header
 * and in the cookie: always 401 with {@code WWW-Authenticate: Bearer} and a problem body. The same
 * routes accept a good token, so each refusal is about the token.
 */
@ExtendWith(GochatSystem.class)
class TokenTamperingIT {

    /** A protected route of each service that changes nothing when it succeeds, or only for its own token. */
    enum Route {
        LOGOUT("POST", "/auth/logout", 202), ME("GET", "/user/me", 200), ROOMS("GET", "/chat/ws/getRooms", 200);

        final String method;
        final String path;
        final int success;

        Route(String method, String path, int success) {
            this.method = method;
            this.path = path;
            this.success = success;
        }
    }

    enum Transport {
        BEARER, COOKIE
    }

    private static long userId;
    private static String username;
    private static final Map<String, String> BAD = new LinkedHashMap<>();

    @BeforeAll
    static void makeTokens() throws Exception {
        username = AuthIT.unique();
        JsonObject registered = AuthIT.register(username, username + "@example.org", "correct horse").json();
        userId = registered.getJsonObject("user").getJsonNumber("id").longValueExact();
        String real = registered.getString("token");
        String[] parts = real.split("\\.");
        long now = Instant.now().getEpochSecond();

        BAD.put("alg none", TestTokens.unsigned(good().build()));
        BAD.put("HS256 signed with the public key", TestTokens.hs256(good().build(),
                TestTokens.publicKeyPem().getBytes(StandardCharsets.US_ASCII)));
        BAD.put("altered payload", parts[0] + "." + TestTokens.b64(
                Json.createObjectBuilder(TestTokens.payload(real)).add("upn", "admin").build()) + "." + parts[2]);
        BAD.put("other user's id in the payload", parts[0] + "." + TestTokens.b64(
                Json.createObjectBuilder(TestTokens.payload(real)).add("sub", Long.toString(userId + 1)).build()) + "." + parts[2]);
        BAD.put("stripped signature", parts[0] + "." + parts[1] + ".");
        BAD.put("no signature part", parts[0] + "." + parts[1]);
        BAD.put("signed by another key", TestTokens.rs256(good().build(), otherKey()));
        BAD.put("expired", TestTokens.signed(good().add("iat", now - 7200).add("exp", now - 60).build()));
        BAD.put("issued in the future", TestTokens.signed(good().add("iat", now + 3600).add("exp", now + 7200).build()));
        BAD.put("not before in the future", TestTokens.signed(good().add("nbf", now + 3600).build()));
        BAD.put("wrong issuer", TestTokens.signed(good().add("iss", "https://evil.example").build()));
        for (String claim : List.of("iss", "sub", "upn", "groups", "jti", "iat", "exp")) {
            BAD.put("missing " + claim, TestTokens.signed(good().remove(claim).build()));
        }
        BAD.put("non-numeric sub", TestTokens.signed(good().add("sub", username).build()));
        BAD.put("exp as a string", TestTokens.signed(good().add("exp", Long.toString(now + 3600)).build()));
        BAD.put("not in the user group", TestTokens.signed(good().add("groups", Json.createArrayBuilder().add("admin")).build()));
        BAD.put("garbage", "not.a.token");
        BAD.put("empty", "");

        String revoked = TestTokens.signed(good().build());
        assertEquals(202, logout(revoked).status());
        BAD.put("revoked", revoked);

        BAD.put("deleted account", deletedAccountToken());
    }

    static Stream<Arguments> badTokens() {
        List<Arguments> all = new ArrayList<>();
        for (Route route : Route.values()) {
            for (Transport transport : Transport.values()) {
                BAD.forEach((name, token) -> all.add(Arguments.of(route, transport, name)));
            }
        }
        return all.stream();
    }

    static Stream<Arguments> routes() {
        List<Arguments> all = new ArrayList<>();
        for (Route route : Route.values()) {
            for (Transport transport : Transport.values()) {
                all.add(Arguments.of(route, transport));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("badTokens")
    void aBadTokenIs401(Route route, Transport transport, String kind) {
        assertProblem(call(route, transport, BAD.get(kind)), 401);
    }

    @ParameterizedTest(name = "{0} {1}: no token")
    @MethodSource("routes")
    void noTokenIs401(Route route, Transport transport) {
        assertProblem(Http.send(request(route)), 401);
    }

    /** The control: a token made the same way with nothing wrong in it passes. */
    @ParameterizedTest(name = "{0} {1}: good token")
    @MethodSource("routes")
    void aGoodTokenPasses(Route route, Transport transport) {
        Http.Response r = call(route, transport, TestTokens.signed(good().build()));
        assertEquals(route.success, r.status(), r.body());
    }

    /**
     * A token is verified once and then remembered (GOCHAT_TOKEN_CACHE_SIZE): remembered, it still
     * expires. It passes twice on each route (the second time from the cache), and is refused on
     * each once its {@code exp} has passed.
     */
    @Test
    void aTokenVerifiedBeforeIsRefusedOnceItExpires() throws InterruptedException {
        long exp = Instant.now().getEpochSecond() + 3;
        String token = TestTokens.signed(good().add("exp", exp).build());
        for (int i = 0; i < 2; i++) {
            Http.Response me = call(Route.ME, Transport.BEARER, token);
            assertEquals(200, me.status(), me.body());
            assertEquals(username, me.json().getString("username"));
            assertEquals(200, call(Route.ROOMS, Transport.COOKIE, token).status());
        }
        while (System.currentTimeMillis() < exp * 1000 + 200) {
            Thread.sleep(100);
        }
        for (Route route : List.of(Route.ME, Route.ROOMS)) {
            for (Transport transport : Transport.values()) {
                Http.Response r = call(route, transport, token);
                assertProblem(r, 401);
                assertTrue(r.body().contains("expired"), route + " " + transport + ": " + r.body());
            }
        }
    }

    /** A token that passed, with a character of any of its three parts changed, is verified anew: 401. */
    @Test
    void aTokenVerifiedBeforeWithOneCharacterChangedIs401() {
        String token = TestTokens.signed(good().build());
        assertEquals(200, call(Route.ME, Transport.BEARER, token).status());
        String[] parts = token.split("\\.");
        for (int part = 0; part < 3; part++) {
            // not the last character: its unused low bits may change without changing the bytes
            for (int at : List.of(0, parts[part].length() / 2, parts[part].length() - 2)) {
                String[] changed = parts.clone();
                char c = changed[part].charAt(at);
                changed[part] = changed[part].substring(0, at) + (c == 'A' ? 'B' : 'A') + changed[part].substring(at + 1);
                String tampered = String.join(".", changed);
                for (Route route : List.of(Route.ME, Route.ROOMS)) {
                    assertProblem(call(route, Transport.BEARER, tampered), 401);
                }
            }
        }
        assertEquals(200, call(Route.ME, Transport.BEARER, token).status()); // the original still passes
    }

    private static JsonObjectBuilder good() {
        return TestTokens.claims(userId, username);
    }

    private static Http.Response call(Route route, Transport transport, String token) {
        HttpRequest.Builder b = request(route);
        return Http.send(transport == Transport.BEARER ? b.header("Authorization", "Bearer " + token)
                : b.header("Cookie", "auth_token=" + token));
    }

    private static HttpRequest.Builder request(Route route) {
        return HttpRequest.newBuilder(GochatSystem.server().uri(route.path))
                .method(route.method, HttpRequest.BodyPublishers.noBody());
    }

    private static Http.Response logout(String token) {
        return call(Route.LOGOUT, Transport.BEARER, token);
    }

    /** A token of an account that then deletes itself through the user service. */
    private static String deletedAccountToken() {
        String name = AuthIT.unique();
        String token = AuthIT.register(name, name + "@example.org", "correct horse").json().getString("token");
        Http.Response deleted = Http.send(HttpRequest.newBuilder(GochatSystem.server().uri("/user/delete"))
                .header("Authorization", "Bearer " + token).DELETE());
        assertEquals(204, deleted.status(), deleted.body());
        return token;
    }

    private static PrivateKey otherKey() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPrivate();
    }
}
