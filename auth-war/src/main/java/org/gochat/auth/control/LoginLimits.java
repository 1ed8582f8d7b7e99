package org.gochat.auth.control;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.gochat.db.Settings;
import org.gochat.web.ProblemException;

/**
 * Failed logins within a sliding window ({@code GOCHAT_LOGIN_FAILURE_WINDOW}, 15 minutes), counted
 * per server:
 * <ul>
 * <li>per account and client address: {@code GOCHAT_LOGIN_MAX_FAILURES_PER_ACCOUNT} (10), then 429;
 * <li>per client address, whatever the account: {@code GOCHAT_LOGIN_MAX_FAILURES_PER_CLIENT} (100),
 * then 429;
 * <li>per account from all addresses: from {@code GOCHAT_LOGIN_SLOW_AFTER_FAILURES} (50) on, every
 * login of the account waits {@code GOCHAT_LOGIN_SLOW_DELAY} (3 s) before its password is checked.
 * This one never refuses, so strangers guessing from many addresses slow the account's owner down but
 * cannot lock the owner out.
 * </ul>
 * An attempt is counted when it begins, before its password is hashed, and taken back when it
 * succeeds or never reaches a verdict: concurrent guesses cannot slip past a limit while the first
 * ones are still hashing. The account is named by the caller as the database identifies it.
 */
@ApplicationScoped
public class LoginLimits {

    /** One login attempt, counted from its start; ends exactly once, as a failure, a success or neither. */
    public final class Attempt {
        private final List<String> keys;
        private final Long startedAt;
        private final long delayNanos;
        private final String pair;
        private boolean ended;

        private Attempt(List<String> keys, Long startedAt, long delayNanos) {
            this.keys = keys;
            this.startedAt = startedAt;
            this.delayNanos = delayNanos;
            this.pair = keys.get(0);
        }

        /** How long the attempt waits before its password is checked: 0 unless the account is being guessed at. */
        public long delayNanos() {
            return delayNanos;
        }

        /** A wrong password: the attempt stays counted. */
        public void failed() {
            synchronized (LoginLimits.this) {
                ended = true;
            }
        }

        /** The right password: clears the failures of this account from this address. */
        public void succeeded() {
            synchronized (LoginLimits.this) {
                if (!ended) {
                    ended = true;
                    uncount(this);
                    attempts.remove(pair);
                }
            }
        }

        /** No verdict (the hashing pool was full, the database failed): not counted. */
        public void abandoned() {
            synchronized (LoginLimits.this) {
                if (!ended) {
                    ended = true;
                    uncount(this);
                }
            }
        }
    }

    private static final long PURGE_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    @Inject
    AuthMetrics metrics;

    /** Start times of the counted attempts (failed or still running) by key, oldest first. */
    private final Map<String, Deque<Long>> attempts = new HashMap<>();
    @Inject
    @ConfigProperty(name = "GOCHAT_LOGIN_MAX_FAILURES_PER_ACCOUNT", defaultValue = "10")
    int perAccountAndClient;

    @Inject
    @ConfigProperty(name = "GOCHAT_LOGIN_MAX_FAILURES_PER_CLIENT", defaultValue = "100")
    int perClient;

    @Inject
    @ConfigProperty(name = "GOCHAT_LOGIN_SLOW_AFTER_FAILURES", defaultValue = "50")
    int slowAfter;

    /** An ISO-8601 duration or seconds, as every duration setting. */
    @Inject
    @ConfigProperty(name = "GOCHAT_LOGIN_SLOW_DELAY", defaultValue = "PT3S")
    String slowDelay;

    @Inject
    @ConfigProperty(name = "GOCHAT_LOGIN_FAILURE_WINDOW", defaultValue = "PT15M")
    String window;

    private long slowDelayNanos;
    private long windowNanos;
    private long nextPurge = System.nanoTime();

    @PostConstruct
    void configure() {
        slowDelayNanos = Settings.duration(slowDelay).toNanos();
        windowNanos = Settings.duration(window).toNanos();
    }

    /**
     * Counts a login attempt on {@code account} (as the database identifies it) from {@code client};
     * 429 with {@code Retry-After} when the pair or the client is at its limit.
     */
    public synchronized Attempt begin(String account, String client) {
        long now = System.nanoTime();
        purge(now);
        String pair = "pair:" + account + " " + client;
        String fromClient = "client:" + client;
        String onAccount = "account:" + account;
        long wait = Math.max(waitNanos(pair, perAccountAndClient, now), waitNanos(fromClient, perClient, now));
        if (wait > 0) {
            metrics.loginLimited();
            throw ProblemException.tooManyRequests("Too many failed logins; try again later.",
                    Math.max(1, Duration.ofNanos(wait).toSeconds() + 1));
        }
        boolean slow = current(onAccount, now).size() >= slowAfter;
        if (slow) {
            metrics.loginSlowed();
        }
        Attempt attempt = new Attempt(List.of(pair, fromClient, onAccount), now, slow ? slowDelayNanos : 0);
        for (String key : attempt.keys) {
            attempts.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(attempt.startedAt);
        }
        return attempt;
    }

    /** Nanoseconds until the key is under its limit again; 0 when it is under now. */
    private long waitNanos(String key, int limit, long now) {
        Deque<Long> times = current(key, now);
        return times.size() >= limit ? times.peekFirst() + windowNanos - now : 0;
    }

    /** The key's attempts still in the window. */
    private Deque<Long> current(String key, long now) {
        Deque<Long> times = attempts.getOrDefault(key, new ArrayDeque<>());
        while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
            times.removeFirst();
        }
        return times;
    }

    private void uncount(Attempt attempt) {
        for (String key : attempt.keys) {
            Deque<Long> times = attempts.get(key);
            if (times != null) {
                times.removeLastOccurrence(attempt.startedAt);
            }
        }
    }

    private void purge(long now) {
        if (now - nextPurge < 0) {
            return;
        }
        nextPurge = now + PURGE_EVERY_NANOS;
        attempts.keySet().removeIf(key -> current(key, now).isEmpty());
    }
}
