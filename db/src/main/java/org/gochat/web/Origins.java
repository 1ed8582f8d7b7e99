package org.gochat.web;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.gochat.db.Settings;

/**
 * Whether a request comes from a page GoChat allows: the one rule for the WebSocket handshake, for
 * state-changing requests authenticated by the cookie ({@link Authentication}), and for login and
 * register. With an {@code Origin} header: the origins the request's {@code Host} is served at
 * (http and https, on the host's port or the server's ports) and those listed in
 * {@code GOCHAT_ALLOWED_ORIGINS} (comma-separated). Without one, {@code Sec-Fetch-Site} must be
 * {@code same-origin} or {@code none} when present. With neither the request is not from a browser
 * (every browser sends {@code Origin} on cross-site requests other than GET and HEAD, and on
 * WebSocket handshakes), so no other site's page can have made it: allowed.
 */
public final class Origins {

    private Origins() {
    }

    public static boolean allowed(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            String site = request.getHeader("Sec-Fetch-Site");
            return site == null || site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("none");
        }
        return allowedFor(request.getHeader("Host")).contains(normalize(origin));
    }

    /** 403 unless {@link #allowed}. */
    public static void require(HttpServletRequest request) {
        if (!allowed(request)) {
            throw ProblemException.forbidden("Requests from this origin are not allowed.");
        }
    }

    private static Set<String> allowedFor(String host) {
        Set<String> allowed = new HashSet<>();
        Settings.get("GOCHAT_ALLOWED_ORIGINS").ifPresent(list -> Arrays.stream(list.split(","))
                .map(String::trim).filter(o -> !o.isEmpty()).map(Origins::normalize).forEach(allowed::add));
        if (host != null && !host.isBlank()) {
            String h = host.trim().toLowerCase(Locale.ROOT);
            allowed.add("http://" + h);
            allowed.add("https://" + h);
            String name = withoutPort(h);
            allowed.add("http://" + name + ":" + Settings.require("GOCHAT_HTTP_PORT"));
            allowed.add("https://" + name + ":" + Settings.require("GOCHAT_HTTPS_PORT"));
        }
        return allowed;
    }

    private static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > host.lastIndexOf(']') && colon < host.length() - 1
                && host.substring(colon + 1).chars().allMatch(Character::isDigit);
        return hasPort ? host.substring(0, colon) : host;
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
