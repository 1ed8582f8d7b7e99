package org.gochat.auth.control;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import org.gochat.db.Settings;
import org.gochat.web.ProblemException;

/**
 * Failed logins per account (the email asked for, whether it exists or not) and per client
 * address within a sliding window: {@code GOCHAT_LOGIN_MAX_FAILURES_PER_ACCOUNT} (10) and
 * {@code GOCHAT_LOGIN_MAX_FAILURES_PER_CLIENT} (100) in {@code GOCHAT_LOGIN_FAILURE_WINDOW}
 * (15 minutes). Past either, logins get 429 with {@code Retry-After} until the oldest failure
 * leaves the window. Counted per server.
 */
@ApplicationScoped
public class LoginLimits {

    private static final long PURGE_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private int perAccount;
    private int perClient;
    private long windowNanos;
    private volatile long nextPurge = System.nanoTime();

    @PostConstruct
    void configure() {
        perAccount = Settings.getInt("GOCHAT_LOGIN_MAX_FAILURES_PER_ACCOUNT", 10);
        perClient = Settings.getInt("GOCHAT_LOGIN_MAX_FAILURES_PER_CLIENT", 100);
        String window = Settings.get("GOCHAT_LOGIN_FAILURE_WINDOW", "PT15M");
        windowNanos = (window.chars().allMatch(Character::isDigit)
                ? Duration.ofSeconds(Long.parseLong(window)) : Duration.parse(window)).toNanos();
    }

    /** 429 when the account or the client has failed too often lately. */
    public void check(String email, String client) {
        long now = System.nanoTime();
        purge(now);
        long wait = Math.max(waitNanos(account(email), perAccount, now), waitNanos(client(client), perClient, now));
        if (wait > 0) {
            long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
            throw ProblemException.tooManyRequests("Too many failed logins; try again later.", seconds);
        }
    }

    public void failed(String email, String client) {
        long now = System.nanoTime();
        record(account(email), perAccount, now);
        record(client(client), perClient, now);
    }

    /** A successful login clears the account's failures (not the client's). */
    public void succeeded(String email) {
        failures.remove(account(email));
    }

    private long waitNanos(String key, int limit, long now) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            expire(times, now);
            return times.size() >= limit ? times.peekFirst() + windowNanos - now : 0;
        }
    }

    private void record(String key, int limit, long now) {
        failures.compute(key, (k, times) -> {
            Deque<Long> t = times == null ? new ArrayDeque<>() : times;
            synchronized (t) {
                expire(t, now);
                t.addLast(now);
                while (t.size() > limit) {
                    t.removeFirst(); // only the newest `limit` failures decide
                }
            }
            return t;
        });
    }

    private void expire(Deque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
            times.removeFirst();
        }
    }

    private void purge(long now) {
        if (now - nextPurge < 0) {
            return;
        }
        nextPurge = now + PURGE_EVERY_NANOS;
        for (String key : failures.keySet()) {
            failures.computeIfPresent(key, (k, times) -> {
                synchronized (times) {
                    expire(times, now);
                    return times.isEmpty() ? null : times;
                }
            });
        }
    }

    private static String account(String email) {
        return "account:" + email.toLowerCase(Locale.ROOT);
    }

    private static String client(String address) {
        return "client:" + address;
    }
}
