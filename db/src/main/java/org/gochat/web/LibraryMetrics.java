package org.gochat.web;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The shared library's counters: refusals by {@link RequestLimits} ({@code gochat_requests_refused_total},
 * tagged {@code limit}) and token checks ({@code gochat_tokens_checked_total}, tagged {@code cache}: hit
 * or miss, see {@link Tokens}). The library is loaded once for the three services, each of which has a
 * registry of its own: each registers these counters in its own as it starts, and the library counts
 * into the registry of the application whose request it serves.
 */
public final class LibraryMetrics {

    private static final Metadata REFUSED = Metadata.builder().withName("gochat.requests.refused")
            .withDescription("Requests refused by a limit on their body (tag limit: body_size, json_depth)").build();
    private static final Metadata TOKENS_CHECKED = Metadata.builder().withName("gochat.tokens.checked")
            .withDescription("Tokens checked (tag cache: hit, verified before and taken from the cache; miss, verified now)")
            .build();
    private static final String HIT = "hit";
    private static final String MISS = "miss";

    /** Each application's counters, by its class loader (the one its request threads run with). */
    private static final Map<ClassLoader, Map<String, Counter>> COUNTERS = Collections.synchronizedMap(new WeakHashMap<>());

    private LibraryMetrics() {
    }

    /** Registers the counters (at zero) in the starting application's registry; each WAR calls it as it starts. */
    public static void register(MetricRegistry registry) {
        Map<String, Counter> counters = new HashMap<>();
        for (String limit : List.of(RequestLimits.BODY_SIZE, RequestLimits.JSON_DEPTH)) {
            counters.put(limit, registry.counter(REFUSED, new Tag("limit", limit)));
        }
        for (String result : List.of(HIT, MISS)) {
            counters.put(result, registry.counter(TOKENS_CHECKED, new Tag("cache", result)));
        }
        COUNTERS.put(Thread.currentThread().getContextClassLoader(), counters);
    }

    /** Counts a request refused by {@code limit}. */
    static void refused(String limit) {
        count(limit);
    }

    /** Counts a token check: {@code cached}, one verified before; otherwise one verified now. */
    static void tokenChecked(boolean cached) {
        count(cached ? HIT : MISS);
    }

    private static void count(String key) {
        Map<String, Counter> counters = COUNTERS.get(Thread.currentThread().getContextClassLoader());
        if (counters != null) {
            counters.get(key).inc();
        }
    }
}
