package org.gochat.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;

import org.gochat.db.DataFolder;
import org.gochat.db.Settings;

/**
 * The RSA key that signs and verifies the server's tokens: a PKCS#8 PEM file named by
 * {@code GOCHAT_JWT_KEY} (by default in the data folder, {@link DataFolder}),
 * created once, owner-only, if absent. Servers given the same file accept each other's tokens.
 */
public final class TokenKey {

    private static final Logger LOG = Logger.getLogger(TokenKey.class.getName());
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private static volatile KeyPair keys;

    private TokenKey() {
    }

    static RSAPublicKey publicKey() {
        return (RSAPublicKey) keys().getPublic();
    }

    /** The signing key; only the auth service issues tokens. */
    public static RSAPrivateCrtKey privateKey() {
        return (RSAPrivateCrtKey) keys().getPrivate();
    }

    private static KeyPair keys() {
        KeyPair k = keys;
        if (k == null) {
            synchronized (TokenKey.class) {
                if (keys == null) {
                    keys = loadOrCreate(file());
                }
                k = keys;
            }
        }
        return k;
    }

    /** GOCHAT_JWT_KEY, else jwt-signing-key.pem in the data folder. */
    private static Path file() {
        try {
            Optional<Path> configured = Settings.get("GOCHAT_JWT_KEY").map(Path::of);
            return configured.isPresent() ? configured.get() : DataFolder.path().resolve("jwt-signing-key.pem");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder (GOCHAT_DATA_DIR)", e);
        }
    }

    /** Several servers may start at once on one machine: {@link DataFolder#readOrCreate} makes one key. */
    private static KeyPair loadOrCreate(Path file) {
        try {
            return parse(DataFolder.readOrCreate(file, () -> newKey(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the token key " + file + " is not an RSA private key in PKCS#8 PEM", e);
        }
    }

    private static String newKey(Path file) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
            LOG.info("Creating the token signing key " + file);
            return BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n" + END + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair parse(String pem) throws GeneralSecurityException {
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException("no " + BEGIN + " block");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
        RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(
                new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        return new KeyPair(publicKey, privateKey);
    }
}
