package org.gochat.web;

/**
 * Query parameters of every service (paging {@code limit}, {@code after}, {@code before},
 * {@code since}; ids such as {@code toFollowId}): a whole number in a range, or a 400 naming the
 * parameter, always with the same words for the same rule.
 */
public final class Params {

    private Params() {
    }

    /** The parameter as a long in {@code [min, max]}; {@code absent} when missing; 400 otherwise. */
    public static Long longIn(String name, String value, long min, long max, Long absent) {
        if (value == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.invalid(name, range(min, max));
    }

    /** {@code limit}: 1 to {@code max}, {@code fallback} when absent. */
    public static int limit(String value, int fallback, int max) {
        return longIn("limit", value, 1, max, (long) fallback).intValue();
    }

    /** A paging key ({@code after}, {@code before}): a whole number of at least 0, {@code fallback} when absent. */
    public static long key(String name, String value, long fallback) {
        return longIn(name, value, 0, Long.MAX_VALUE, fallback);
    }

    /** A required whole number (an id); 400 when missing or not a number. */
    public static long required(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalid(name, "is required");
        }
        return longIn(name, value, Long.MIN_VALUE, Long.MAX_VALUE, null);
    }

    private static String range(long min, long max) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return "must be a whole number";
        }
        return max == Long.MAX_VALUE ? "must be a whole number of at least " + min
                : "must be a whole number from " + min + " to " + max;
    }
}
