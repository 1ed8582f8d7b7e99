package org.gochat.auth.control;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.gochat.db.Settings;
import org.gochat.web.ProblemException;

/**
 * Password hashes in progress (waiting or running) per client address: at most
 * {@code GOCHAT_PASSWORD_HASHES_PER_CLIENT} (2); past that, 429 with {@code Retry-After: 1}. The
 * hashing pool serves requests in arrival order, so this bounds how long one address's flood of
 * registrations or logins can keep everyone else's waiting: by that many hashes.
 */
@ApplicationScoped
public class ClientHashes {

    @Inject
    AuthMetrics metrics;

    private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();
    private int perClient;

    @PostConstruct
    void configure() {
        perClient = Settings.getInt("GOCHAT_PASSWORD_HASHES_PER_CLIENT", 2);
    }

    /** Starts {@code hashing} for {@code client} if it has a hash to spare; the count drops when it completes. */
    public <T> CompletionStage<T> limit(String client, Supplier<CompletionStage<T>> hashing) {
        boolean[] taken = {false};
        inProgress.compute(client, (c, n) -> {
            int now = n == null ? 0 : n;
            taken[0] = now < perClient;
            return taken[0] ? now + 1 : n;
        });
        if (!taken[0]) {
            metrics.hashClientLimited();
            return CompletableFuture.failedFuture(ProblemException.tooManyRequests(
                    "Too many sign-ins at once from this address; try again shortly.", 1));
        }
        try {
            return hashing.get().whenComplete((result, failure) -> release(client));
        } catch (RuntimeException e) {
            release(client);
            throw e;
        }
    }

    private void release(String client) {
        inProgress.computeIfPresent(client, (c, n) -> n > 1 ? n - 1 : null);
    }
}
