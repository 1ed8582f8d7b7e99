package org.gochat.auth.control;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.gochat.web.ProblemException;

/**
 * Password hashes: PBKDF2-HMAC-SHA256 with OWASP's 600,000 iterations by default
 * ({@code GOCHAT_PASSWORD_ITERATIONS}), a 16-byte random salt, stored with their parameters as
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} so a hash made with fewer iterations than
 * configured is recognised and upgraded.
 *
 * <p>Hashing is slow on purpose, so it runs on a pool of its own, never on the request threads:
 * {@code GOCHAT_PASSWORD_HASH_THREADS} threads (default: one less than the processors, at least
 * one) and a queue of {@code GOCHAT_PASSWORD_HASH_QUEUE} (64). When both are full the request gets
 * 503 at once: a flood of logins cannot take the server's threads or its other routes. The queue
 * hands out the hash of lowest rank first, in arrival order among equal ranks (see
 * {@link ClientHashes} for what a rank is).
 */
@ApplicationScoped
public class Passwords {

    /** The outcome of a check: whether the password matched, and a stronger hash of it when the stored one is outdated. */
    public record Check(boolean matches, String upgradedHash) {
    }

    static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Resource
    ManagedThreadFactory threadFactory;

    @Inject
    @ConfigProperty(name = "GOCHAT_PASSWORD_ITERATIONS", defaultValue = "600000")
    int iterations;

    /** Default: one thread less than the processors, at least one. */
    @Inject
    @ConfigProperty(name = "GOCHAT_PASSWORD_HASH_THREADS")
    Optional<Integer> hashThreads;

    @Inject
    @ConfigProperty(name = "GOCHAT_PASSWORD_HASH_QUEUE", defaultValue = "64")
    int queue;

    private final AtomicLong submitted = new AtomicLong();
    private ThreadPoolExecutor pool;
    /** Checked when the email is unknown, so that takes as long as a wrong password. */
    private String dummy;

    @PostConstruct
    void configure() {
        if (iterations < 1) {
            throw new IllegalStateException("GOCHAT_PASSWORD_ITERATIONS must be positive");
        }
        int threads = Math.max(1, hashThreads.orElse(Runtime.getRuntime().availableProcessors() - 1));
        BlockingQueue<Runnable> waiting = queue > 0 ? new RankedQueue(queue) : new SynchronousQueue<>();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, waiting, threadFactory,
                new ThreadPoolExecutor.AbortPolicy());
        dummy = hashNow(Long.toHexString(RANDOM.nextLong()));
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    /** A new salted hash of the password with the configured parameters, queued with the given rank. */
    public CompletionStage<String> hash(String password, int rank) {
        return submit(rank, () -> hashNow(password));
    }

    /**
     * Checks the password against a stored hash (null: an account that does not exist, which
     * matches nothing but takes as long); a match with an outdated hash also brings a new one.
     * Queued with the given rank.
     */
    public CompletionStage<Check> check(String password, String stored, int rank) {
        return submit(rank, () -> {
            boolean matches = matches(password, stored == null ? dummy : stored) && stored != null;
            return new Check(matches, matches && isOutdated(stored) ? hashNow(password) : null);
        });
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

    /** Hashes waiting for a thread now (a metric, see {@link AuthMetrics}). */
    public int queueDepth() {
        return pool.getQueue().size();
    }

    private <T> CompletionStage<T> submit(int rank, Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            pool.execute(new Ranked(rank, submitted.getAndIncrement(), () -> {
                try {
                    result.complete(task.get());
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            }));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    ProblemException.unavailable("Too many sign-ins at once; try again shortly.", 1));
        }
        return result;
    }

    /** A hashing task: lower ranks first, then in the order submitted. */
    private record Ranked(int rank, long order, Runnable task) implements Runnable, Comparable<Ranked> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Ranked other) {
            return rank != other.rank ? Integer.compare(rank, other.rank) : Long.compare(order, other.order);
        }
    }

    /** A priority queue that holds at most {@code capacity} tasks: the pool refuses the next. */
    private static final class RankedQueue extends PriorityBlockingQueue<Runnable> {
        private static final long serialVersionUID = 1L;
        private final int capacity;

        RankedQueue(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized boolean offer(Runnable task) {
            return size() < capacity && super.offer(task);
        }
    }

    private String hashNow(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, iterations));
    }

    /** A malformed stored hash matches nothing. */
    private static boolean matches(String password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int storedIterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return storedIterations > 0 && MessageDigest.isEqual(expected, pbkdf2(password, salt, storedIterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
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
