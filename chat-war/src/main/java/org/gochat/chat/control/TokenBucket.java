package org.gochat.chat.control;

/**
 * A rate limit: {@code perSecond} on average, bursts of {@code burst}. Thread-safe; a connection's
 * own limit is only ever used by its reading thread, so its lock is never contended.
 */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(double perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    synchronized boolean tryTake() {
        refill();
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Whole seconds until one more is allowed (at least 1). */
    synchronized long secondsUntilNext() {
        refill();
        return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
    }

    /** Whether it has refilled to its burst, so that it is no different from a new one. */
    synchronized boolean isFull() {
        refill();
        return tokens >= burst;
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
    }
}
