package org.gochat.web;

import org.gochat.db.Settings;

/**
 * The limits on every HTTP request body, the same in the three services: its size
 * (GOCHAT_MAX_BODY_BYTES, 64 KiB as the contract says) and its JSON nesting (GOCHAT_MAX_JSON_DEPTH).
 * Each refusal is counted in the calling service's {@code gochat_requests_refused_total}, tagged
 * with the limit (see {@link LibraryMetrics}).
 */
public final class RequestLimits {

    public static final String BODY_SIZE = "body_size";
    public static final String JSON_DEPTH = "json_depth";

    /** Request bodies over this many bytes are refused with 413. */
    public static final int MAX_BODY_BYTES = Settings.getInt("GOCHAT_MAX_BODY_BYTES", 64 * 1024);
    /** Bodies are flat objects; this leaves room and keeps the parser's own recursion shallow. */
    public static final int MAX_JSON_DEPTH = Settings.getInt("GOCHAT_MAX_JSON_DEPTH", 32);

    private RequestLimits() {
    }
}
