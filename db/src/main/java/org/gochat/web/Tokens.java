package org.gochat.web;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import org.gochat.db.Settings;

/**
 * The server's JWTs (RS256, the MicroProfile JWT claim set: {@code iss, sub, upn, groups, jti,
 * iat, exp}): issued by the auth service, verified by {@link Authentication} in every service.
 * Issuer and clock skew are the MicroProfile JWT settings {@code mp.jwt.verify.issuer} and
 * {@code mp.jwt.verify.clock.skew}; the lifetime is {@code GOCHAT_TOKEN_TTL}.
 */
public final class Tokens {

    /** A freshly signed token. */
    public record Issued(String token, String id, Instant expiresAt) {
    }

    /**
     * Looked up once: {@code Json.createReader} and {@code Json.createValue} look the provider up on
     * every call (a service-loader search), which was most of the time a token check took.
     */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonString USER_ROLE = JSON.createValue(Caller.ROLE);
    private static final String HEADER = b64(Json.createObjectBuilder()
            .add("alg", "RS256").add("typ", "JWT").build().toString().getBytes(StandardCharsets.UTF_8));
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final int MAX_LENGTH = 8192;

    /**
     * Tokens that verified, by their whole text, at most {@code GOCHAT_TOKEN_CACHE_SIZE} of them (0:
     * none); when full it starts again empty. A token's signature and claims never change, so one
     * seen before needs only its expiry checked again: the RSA check, the parsing and the settings'
     * lookups were most of what a request with a token cost beyond its own work. Revocation and
     * account deletion are checked by {@link Authentication} on every request, cached or not.
     */
    private static final int CACHE_SIZE = Math.max(0, Settings.getInt("GOCHAT_TOKEN_CACHE_SIZE", 10_000));
    private static final Map<String, Caller> VERIFIED = new ConcurrentHashMap<>();

    private Tokens() {
    }

    /** A token for this user, valid for {@link #lifetime()} from now. */
    public static Issued issue(long userId, String username) {
        Instant now = Instant.now();
        Instant expiresAt = now.plus(lifetime());
        String id = UUID.randomUUID().toString();
        JsonObject claims = Json.createObjectBuilder()
                .add("iss", issuer())
                .add("sub", Long.toString(userId))
                .add("upn", username)
                .add("groups", Json.createArrayBuilder().add(Caller.ROLE))
                .add("jti", id)
                .add("iat", now.getEpochSecond())
                .add("exp", expiresAt.getEpochSecond())
                .build();
        String signingInput = HEADER + "." + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(TokenKey.privateKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return new Issued(signingInput + "." + b64(rs256.sign()), id, Instant.ofEpochSecond(expiresAt.getEpochSecond()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    /** How long a token lives: {@code GOCHAT_TOKEN_TTL}, seconds or an ISO-8601 duration, default one hour. */
    public static Duration lifetime() {
        Duration d = Settings.getDuration("GOCHAT_TOKEN_TTL", Duration.ofHours(1));
        if (d.isNegative() || d.isZero()) {
            throw new IllegalStateException("GOCHAT_TOKEN_TTL must be positive");
        }
        return d;
    }

    static String issuer() {
        return Settings.get("mp.jwt.verify.issuer", "gochat");
    }

    static Duration clockSkew() {
        return Duration.ofSeconds(Settings.getInt("mp.jwt.verify.clock.skew", 60));
    }

    /**
     * The caller a token names, when its signature (RS256 with the server's key, no other
     * algorithm), issuer, issue and expiry times and claims are all valid; revocation is
     * checked by the caller. A token verified before is only checked for its expiry.
     */
    static Caller verify(String token) {
        Caller known = VERIFIED.get(token);
        if (known != null && Instant.now().isBefore(known.expiresAt())) {
            LibraryMetrics.tokenChecked(true);
            return known;
        }
        LibraryMetrics.tokenChecked(false);
        if (known != null) {
            VERIFIED.remove(token); // expired: the check below says so
        }
        Caller caller = check(token);
        if (CACHE_SIZE > 0) {
            if (VERIFIED.size() >= CACHE_SIZE) {
                VERIFIED.clear();
            }
            VERIFIED.put(token, caller);
        }
        return caller;
    }

    private static Caller check(String token) {
        if (token.length() > MAX_LENGTH || !COMPACT.matcher(token).matches()) {
            throw invalid();
        }
        int firstDot = token.indexOf('.');
        int lastDot = token.lastIndexOf('.');
        JsonObject header = json(token.substring(0, firstDot));
        if (!"RS256".equals(string(header, "alg")) || header.containsKey("crit")) {
            throw invalid();
        }
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(TokenKey.publicKey());
            rs256.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(token.substring(lastDot + 1)))) {
                throw invalid();
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid();
        }
        JsonObject claims = json(token.substring(firstDot + 1, lastDot));
        Instant now = Instant.now();
        Duration skew = clockSkew();
        long userId;
        try {
            userId = Long.parseLong(string(claims, "sub"));
        } catch (NumberFormatException e) {
            throw invalid();
        }
        String username = string(claims, "upn");
        String id = string(claims, "jti");
        Instant issuedAt = time(claims, "iat");
        Instant expiresAt = time(claims, "exp");
        if (!issuer().equals(string(claims, "iss")) || username == null || id == null || id.length() > 64
                || issuedAt == null || expiresAt == null || !inUserGroup(claims)) {
            throw invalid();
        }
        if (!now.isBefore(expiresAt)) {
            throw ProblemException.unauthorized("The token has expired.");
        }
        Instant notBefore = claims.containsKey("nbf") ? time(claims, "nbf") : issuedAt;
        if (notBefore == null || issuedAt.isAfter(now.plus(skew)) || notBefore.isAfter(now.plus(skew))) {
            throw invalid();
        }
        return new Caller(userId, username, id, expiresAt);
    }

    private static boolean inUserGroup(JsonObject claims) {
        JsonValue groups = claims.get("groups");
        return groups instanceof JsonArray array && array.contains(USER_ROLE);
    }

    private static JsonObject json(String part) {
        try (JsonReader reader = JSON.createReader(new StringReader(
                new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (JsonException | IllegalArgumentException | IllegalStateException e) {
            throw invalid();
        }
    }

    private static String string(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? s.getString() : null;
    }

    private static Instant time(JsonObject o, String name) {
        if (o.get(name) instanceof JsonNumber n && n.isIntegral()) {
            try {
                return Instant.ofEpochSecond(n.longValueExact());
            } catch (ArithmeticException | java.time.DateTimeException e) {
                return null;
            }
        }
        return null;
    }

    private static ProblemException invalid() {
        return ProblemException.unauthorized("The token is not valid.");
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
