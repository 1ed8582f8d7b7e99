package org.gochat.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.logging.Logger;

import org.gochat.db.Settings;

/**
 * The RSA key that signs and verifies the server's tokens: a PKCS#8 PEM file named by
 * {@code GOCHAT_JWT_KEY} (server.xml defaults it to the server's resources/security folder),
 * created once if absent. Servers given the same file accept each other's tokens.
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
                    Path file = Path.of(Settings.get("GOCHAT_JWT_KEY")
                            .orElseThrow(() -> new IllegalStateException("GOCHAT_JWT_KEY is not set")));
                    keys = loadOrCreate(file);
                }
                k = keys;
            }
        }
        return k;
    }

    /** Several servers may start at once on one machine: the first to hold the lock creates the key. */
    private static KeyPair loadOrCreate(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (!Files.exists(file)) {
                Path lockFile = dir.resolve(file.getFileName() + ".lock");
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock lock = channel.lock()) {
                    if (!Files.exists(file)) {
                        create(file);
                    }
                }
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the token key " + file + " is not an RSA private key in PKCS#8 PEM", e);
        }
    }

    private static void create(Path file) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
        String pem = BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n" + END + "\n";
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".token-key", ".tmp");
        try {
            setOwnerOnly(tmp);
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.info("Created the token signing key " + file);
    }

    private static KeyPair read(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
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

    private static void setOwnerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }
}
