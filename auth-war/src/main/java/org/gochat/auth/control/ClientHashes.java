package org.gochat.auth.control;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.gochat.web.ProblemException;

/**
 * Password hashes in progress (waiting or running) per client address: at most
 * {@code GOCHAT_PASSWORD_HASHES_PER_CLIENT} (2); past that, 429 with {@code Retry-After: 1}. Each
 * hash gets as its rank the number its client has in progress already, and the hashing pool runs
 * lower ranks first: an address's second hash waits behind every other address's first, so one
 * address's flood of registrations or logins keeps another client's login waiting for at most the
 * hash that is running and one of the flood's.
 */
@ApplicationScoped
public class ClientHashes {

    @Inject
    AuthMetrics metrics;

    @Inject
    @ConfigProperty(name = "GOCHAT_PASSWORD_HASHES_PER_CLIENT", defaultValue = "2")
    int perClient;

    private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();

    /**
     * Starts {@code hashing} with the client's rank if the client has a hash to spare; its count
     * drops when the hash completes.
     */
    public <T> CompletionStage<T> limit(String client, IntFunction<CompletionStage<T>> hashing) {
        int[] rank = {-1};
        inProgress.compute(client, (c, n) -> {
            int now = n == null ? 0 : n;
            rank[0] = now < perClient ? now : -1;
            return rank[0] >= 0 ? now + 1 : n;
        });
        if (rank[0] < 0) {
            metrics.hashClientLimited();
            return CompletableFuture.failedFuture(ProblemException.tooManyRequests(
                    "Too many sign-ins at once from this address; try again shortly.", 1));
        }
        try {
            return hashing.apply(rank[0]).whenComplete((result, failure) -> release(client));
        } catch (RuntimeException e) {
            release(client);
            throw e;
        }
    }

    private void release(String client) {
        inProgress.computeIfPresent(client, (c, n) -> n > 1 ? n - 1 : null);
    }
}
