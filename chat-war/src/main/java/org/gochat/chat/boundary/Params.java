package org.gochat.chat.boundary;

import org.gochat.web.ProblemException;

/** Query parameters of the chat routes: numbers in range, or 400. */
final class Params {

    private Params() {
    }

    /** The parameter as a long in {@code [min, max]}; {@code absent} when missing; 400 otherwise. */
    static Long longIn(String name, String value, long min, long max, Long absent) {
        if (value == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.invalid(name, "must be a whole number from " + min + " to " + max);
    }
}
