package org.gochat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import javax.naming.InitialContext;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.transaction.UserTransaction;

import org.gochat.auth.control.Accounts;
import org.gochat.auth.control.Passwords;
import org.gochat.auth.control.Sessions;
import org.gochat.web.Authentication;
import org.gochat.web.Caller;
import org.gochat.web.ProblemException;
import org.gochat.web.Tokens;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside Liberty: issuing and checking tokens, and password hashes, with the server's real key and database. */
@ExtendWith(ArquillianExtension.class)
class TokensIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "auth-tokens-it.war")
                .addPackages(true, "org.gochat.auth")
                .addAsResource("META-INF/persistence.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/beans.xml"), "beans.xml")
                .setWebXML(new File("src/main/webapp/WEB-INF/web.xml"));
    }

    @Inject
    Passwords passwords;

    @Inject
    Sessions sessions;

    @Inject
    Accounts accounts;

    /** The request this test runs in (the test runner's own). */
    @Inject
    HttpServletRequest current;

    @Test
    void anIssuedTokenCarriesTheMicroProfileClaimsAndIdentifiesItsUser() {
        Instant before = Instant.now().minusSeconds(1);
        Tokens.Issued issued = Tokens.issue(42, "alice");

        String[] parts = issued.token().split("\\.");
        assertEquals(3, parts.length);
        JsonObject header = decode(parts[0]);
        JsonObject claims = decode(parts[1]);
        assertEquals("RS256", header.getString("alg"));
        assertEquals("gochat", claims.getString("iss"));
        assertEquals("42", claims.getString("sub"));
        assertEquals("alice", claims.getString("upn"));
        assertEquals(Json.createArrayBuilder().add("user").build(), claims.getJsonArray("groups"));
        assertEquals(issued.id(), claims.getString("jti"));
        long iat = claims.getJsonNumber("iat").longValueExact();
        long exp = claims.getJsonNumber("exp").longValueExact();
        assertTrue(iat >= before.getEpochSecond() && iat <= Instant.now().getEpochSecond());
        assertEquals(Duration.ofHours(1).toSeconds(), exp - iat);
        assertEquals(exp, issued.expiresAt().getEpochSecond());

        Caller caller = Authentication.require(withHeader("Authorization", "Bearer " + issued.token()));
        assertEquals(new Caller(42, "alice", issued.id(), issued.expiresAt()), caller);
        assertEquals(caller, Authentication.require(withHeader("Cookie", "auth_token=" + issued.token())));
        assertNotEquals(issued.id(), Tokens.issue(42, "alice").id());
    }

    @Test
    void aTokenWithAnyChangedByteOrNoTokenIsRefused() {
        String token = Tokens.issue(7, "bob").token();
        String[] parts = token.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                decode(parts[1]).toString().replace("\"bob\"", "\"eve\"").getBytes(StandardCharsets.UTF_8));

        for (String bad : new String[] {parts[0] + "." + otherPayload + "." + parts[2], parts[0] + "." + parts[1] + ".",
                parts[0] + "." + parts[1], token + "x", "not-a-token"}) {
            ProblemException e = assertThrows(ProblemException.class,
                    () -> Authentication.require(withHeader("Authorization", "Bearer " + bad)), bad);
            assertEquals(401, e.status());
        }
        assertEquals(401, assertThrows(ProblemException.class,
                () -> Authentication.require(withHeader("Authorization", "Basic " + token))).status());
        assertEquals(401, assertThrows(ProblemException.class, () -> Authentication.require(current)).status());
    }

    @Test
    void aLoggedOutTokenIsRevoked() {
        String name = "t" + UUID.randomUUID().toString().substring(0, 8);
        Sessions.Session session = join(sessions.register(name, name + "@example.org", "correct horse", "127.0.0.1"));
        HttpServletRequest request = withHeader("Authorization", "Bearer " + session.token().token());
        Caller caller = Authentication.require(request);

        sessions.logout(caller);

        ProblemException e = assertThrows(ProblemException.class, () -> Authentication.require(request));
        assertEquals(401, e.status());
    }

    @Test
    void passwordHashesAreSaltedPbkdf2WithTheirParameters() {
        String hash = join(passwords.hash("correct horse battery", 0));
        String[] parts = hash.split("\\$");
        assertEquals("pbkdf2-sha256", parts[0]);
        assertTrue(Integer.parseInt(parts[1]) >= 600_000, hash);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[3]).length);

        assertEquals(new Passwords.Check(true, null), join(passwords.check("correct horse battery", hash, 0)));
        assertEquals(new Passwords.Check(false, null), join(passwords.check("correct horse batterz", hash, 0)));
        assertNotEquals(hash, join(passwords.hash("correct horse battery", 0)));
        assertFalse(passwords.isOutdated(hash));
    }

    @Test
    void aHashWithFewerIterationsIsOutdatedAndAMatchBringsAStrongerOne() {
        String weak = "pbkdf2-sha256$1000$" + hashOf("secret password", 1000);
        assertTrue(passwords.isOutdated(weak));

        Passwords.Check check = join(passwords.check("secret password", weak, 0));
        assertTrue(check.matches());
        assertTrue(check.upgradedHash().startsWith("pbkdf2-sha256$600000$"), check.upgradedHash());
        assertTrue(join(passwords.check("secret password", check.upgradedHash(), 0)).matches());

        assertEquals(new Passwords.Check(false, null), join(passwords.check("secret passwore", weak, 0)));
        assertEquals(new Passwords.Check(false, null), join(passwords.check("secret password", "garbage", 0)));
        assertEquals(new Passwords.Check(false, null), join(passwords.check("secret password", null, 0)));
    }

    @Test
    void aLoginUpgradesAHashMadeWithFewerIterations() throws Exception {
        String name = "h" + UUID.randomUUID().toString().substring(0, 8);
        String email = name + "@example.org";
        String weak = "pbkdf2-sha256$1000$" + hashOf("secret password", 1000);
        accounts.create(name, email, weak);

        join(sessions.login(email, "secret password", "198.51.100.7"));

        String upgraded = storedHash(email);
        assertTrue(upgraded.startsWith("pbkdf2-sha256$600000$"), upgraded);
        assertTrue(join(passwords.check("secret password", upgraded, 0)).matches());
        join(sessions.login(email, "secret password", "198.51.100.7"));
        assertEquals(upgraded, storedHash(email));
    }

    /** Read in a transaction of its own: outside one, this request's earlier reads may be served again. */
    private String storedHash(String email) throws Exception {
        UserTransaction tx = (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
        tx.begin();
        try {
            return accounts.byEmail(email).orElseThrow().getPasswordHash();
        } finally {
            tx.rollback();
        }
    }

    /** Salt and hash, in the stored form, computed here independently of Passwords. */
    private static String hashOf(String password, int iterations) {
        try {
            byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
            byte[] hash = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                    .getEncoded();
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private HttpServletRequest withHeader(String name, String value) {
        return new HttpServletRequestWrapper(current) {
            @Override
            public String getHeader(String header) {
                return header.equalsIgnoreCase(name) ? value : "Cookie".equalsIgnoreCase(name) ? null : super.getHeader(header);
            }

            @Override
            public jakarta.servlet.http.Cookie[] getCookies() {
                if (!"Cookie".equalsIgnoreCase(name)) {
                    return super.getCookies();
                }
                String[] pair = value.split("=", 2);
                return new jakarta.servlet.http.Cookie[] {new jakarta.servlet.http.Cookie(pair[0], pair[1])};
            }
        };
    }

    private static JsonObject decode(String part) {
        return Json.createReader(new StringReader(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8)))
                .readObject();
    }
}
