package org.gochat.auth.control;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import org.gochat.db.Settings;
import org.gochat.web.ProblemException;

/**
 * Password hashes: PBKDF2-HMAC-SHA256 with OWASP's 600,000 iterations by default
 * ({@code GOCHAT_PASSWORD_ITERATIONS}), a 16-byte random salt, stored with their parameters as
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} so a hash made with fewer iterations than
 * configured is recognised and upgraded.
 *
 * <p>Hashing is slow on purpose, so at most {@code GOCHAT_PASSWORD_HASH_THREADS} hashes run at once
 * (default: one less than the processors, at least one) and at most
 * {@code GOCHAT_PASSWORD_HASH_QUEUE} more wait; past that, or after waiting
 * {@code GOCHAT_PASSWORD_HASH_WAIT_MS}, the request gets 503: a flood of logins cannot take the
 * whole server.
 */
@ApplicationScoped
public class Passwords {

    static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private int iterations;
    private int maxWaiting;
    private long maxWaitMillis;
    private Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Checked when the email is unknown, so that takes as long as a wrong password. */
    private volatile String dummy;

    @PostConstruct
    void configure() {
        iterations = Settings.getInt("GOCHAT_PASSWORD_ITERATIONS", 600_000);
        if (iterations < 1) {
            throw new IllegalStateException("GOCHAT_PASSWORD_ITERATIONS must be positive");
        }
        int threads = Settings.getInt("GOCHAT_PASSWORD_HASH_THREADS",
                Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        slots = new Semaphore(Math.max(1, threads), true);
        maxWaiting = Settings.getInt("GOCHAT_PASSWORD_HASH_QUEUE", 64);
        maxWaitMillis = Settings.getInt("GOCHAT_PASSWORD_HASH_WAIT_MS", 10_000);
    }

    /** A new salted hash of the password with the configured parameters. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = bounded(() -> pbkdf2(password, salt, iterations));
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Whether the password matches the stored hash; a malformed hash matches nothing. */
    public boolean matches(String password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        int storedIterations;
        byte[] salt;
        byte[] expected;
        try {
            storedIterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            expected = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] actual = bounded(() -> pbkdf2(password, salt, storedIterations));
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the time of a real check, for an account that does not exist. */
    public void matchNothing(String password) {
        if (dummy == null) {
            dummy = hash(Long.toHexString(RANDOM.nextLong()));
        }
        matches(password, dummy);
    }

    /** Whether a stored hash was made with weaker parameters than configured now. */
    public boolean isOutdated(String stored) {
        String[] parts = stored.split("\\$");
        try {
            return parts.length != 4 || !SCHEME.equals(parts[0]) || Integer.parseInt(parts[1]) < iterations;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Hashes waiting for a slot now. */
    public int queueDepth() {
        return waiting.get();
    }

    private interface Hashing {
        byte[] run();
    }

    private byte[] bounded(Hashing hashing) {
        if (!slots.tryAcquire()) {
            if (waiting.incrementAndGet() > maxWaiting) {
                waiting.decrementAndGet();
                throw busy();
            }
            try {
                if (!slots.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                    throw busy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw busy();
            } finally {
                waiting.decrementAndGet();
            }
        }
        try {
            return hashing.run();
        } finally {
            slots.release();
        }
    }

    private static ProblemException busy() {
        return ProblemException.unavailable("Too many sign-ins at once; try again shortly.", 1);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }
}
