package org.gochat.chat.control;

/**
 * The rate limit of one connection: {@code perSecond} messages a second on average, bursts of
 * {@code burst}. Used only by the connection's reading thread (the container delivers one
 * connection's messages one at a time), so it needs no lock.
 */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(int perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    boolean tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
