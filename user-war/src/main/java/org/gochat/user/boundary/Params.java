package org.gochat.user.boundary;

import org.gochat.web.ProblemException;

/** Query parameters of the user routes: numbers, or a 400 naming the parameter. */
final class Params {

    private Params() {
    }

    /** {@code limit}: 1–{@code max}, {@code fallback} when absent. */
    static int limit(String raw, int fallback, int max) {
        if (raw == null) {
            return fallback;
        }
        long value = number("limit", raw);
        if (value < 1 || value > max) {
            throw ProblemException.invalid("limit", "must be between 1 and " + max);
        }
        return (int) value;
    }

    /** A paging key ({@code after}, {@code before}): a non-negative id, {@code fallback} when absent. */
    static long key(String name, String raw, long fallback) {
        if (raw == null) {
            return fallback;
        }
        long value = number(name, raw);
        if (value < 0) {
            throw ProblemException.invalid(name, "must not be negative");
        }
        return value;
    }

    /** A required user id. */
    static long id(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            throw ProblemException.invalid(name, "is required");
        }
        return number(name, raw);
    }

    private static long number(String name, String raw) {
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(name, "must be a number");
        }
    }
}
