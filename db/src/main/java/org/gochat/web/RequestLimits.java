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
import org.gochat.db.Settings;

/**
 * The limits on every HTTP request body, the same in the three services: its size
 * (GOCHAT_MAX_BODY_BYTES, 64 KiB as the contract says) and its JSON nesting (GOCHAT_MAX_JSON_DEPTH).
 * Each refusal is counted in the calling service's {@code gochat_requests_refused_total}, tagged
 * with the limit.
 */
public final class RequestLimits {

    public static final String BODY_SIZE = "body_size";
    public static final String JSON_DEPTH = "json_depth";

    /** Request bodies over this many bytes are refused with 413. */
    public static final int MAX_BODY_BYTES = Settings.getInt("GOCHAT_MAX_BODY_BYTES", 64 * 1024);
    /** Bodies are flat objects; this leaves room and keeps the parser's own recursion shallow. */
    public static final int MAX_JSON_DEPTH = Settings.getInt("GOCHAT_MAX_JSON_DEPTH", 32);

    private static final Metadata REFUSED = Metadata.builder().withName("gochat.requests.refused")
            .withDescription("Requests refused by a limit on their body (tag limit: body_size, json_depth)").build();

    private RequestLimits() {
    }

    /** Each application's counters, by its class loader (the one its request threads run with). */
    private static final Map<ClassLoader, Map<String, Counter>> COUNTERS = Collections.synchronizedMap(new WeakHashMap<>());

    /** Registers the counters (at zero) in the starting application's registry; each WAR calls it as it starts. */
    public static void registerMetrics(MetricRegistry registry) {
        Map<String, Counter> counters = new HashMap<>();
        for (String limit : List.of(BODY_SIZE, JSON_DEPTH)) {
            counters.put(limit, registry.counter(REFUSED, new Tag("limit", limit)));
        }
        COUNTERS.put(Thread.currentThread().getContextClassLoader(), counters);
    }

    /** Counts a request refused by {@code limit}, in the registry of the application serving it. */
    static void refused(String limit) {
        Map<String, Counter> counters = COUNTERS.get(Thread.currentThread().getContextClassLoader());
        if (counters != null) {
            counters.get(limit).inc();
        }
    }
}
