package org.gochat.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Tokens made by the tests themselves, signed with the system's own key or not, to show that the
 * servers check every part of a token, not only its signature.
 */
final class TestTokens {

    private TestTokens() {
    }

    /** The claims the server issues, valid for an hour from now. */
    static JsonObjectBuilder claims(long userId, String username) {
        long now = Instant.now().getEpochSecond();
        return Json.createObjectBuilder()
                .add("iss", "gochat")
                .add("sub", Long.toString(userId))
                .add("upn", username)
                .add("groups", Json.createArrayBuilder().add("user"))
                .add("jti", UUID.randomUUID().toString())
                .add("iat", now)
                .add("exp", now + 3600);
    }

    static JsonObject header(String alg) {
        return Json.createObjectBuilder().add("alg", alg).add("typ", "JWT").build();
    }

    /** RS256 with the system's own signing key. */
    static String signed(JsonObject claims) {
        return rs256(claims, systemKey());
    }

    static String rs256(JsonObject claims, PrivateKey key) {
        String input = b64(header("RS256")) + "." + b64(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HS256 with the given secret: the classic attack uses the server's public key as the secret. */
    static String hs256(JsonObject claims, byte[] secret) {
        String input = b64(header("HS256")) + "." + b64(claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}). */
    static String unsigned(JsonObject claims) {
        return b64(header("none")) + "." + b64(claims) + ".";
    }

    /** The system's public key as PEM text (what an attacker may know). */
    static String publicKeyPem() {
        try {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) systemKey();
            byte[] der = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
            return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END PUBLIC KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey systemKey() {
        try {
            String pem = Files.readString(GochatSystem.jwtKey(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(JsonObject json) {
        return b64(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static JsonObject payload(String token) {
        return Json.createReader(new java.io.StringReader(new String(
                Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))).readObject();
    }
}
