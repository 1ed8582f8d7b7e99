package org.gochat.web;

import java.util.Set;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling: the token from {@code Authorization: Bearer} or the {@code auth_token} cookie,
 * verified (signature, issuer, expiry, revocation, deleted account). The one check of every WAR:
 * {@link AuthenticationFilter} asks here for every route that is not {@code @PermitAll}, and the
 * chat service's WebSocket handshake filter for every handshake. A browser sends the cookie whichever site's page
 * made the request, so a request that changes something (not GET, HEAD or OPTIONS) and is
 * authenticated by the cookie must also come from an allowed origin ({@link Origins}); a token in
 * the header is never sent by a browser on its own, so those requests are not checked.
 */
public final class Authentication {

    public static final String COOKIE = "auth_token";

    private static final String BEARER = "Bearer ";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private Authentication() {
    }

    /**
     * The verified caller; a 401 {@link ProblemException} when there is no valid token. An
     * {@code Authorization} header, when present, is the only token considered.
     */
    public static Caller require(HttpServletRequest request) {
        Caller caller = Tokens.verify(token(request));
        if (Revocations.isRevoked(caller.tokenId())) {
            throw ProblemException.unauthorized("The token has been revoked.");
        }
        if (Revocations.isDeleted(caller.id())) {
            throw ProblemException.unauthorized("The account no longer exists.");
        }
        if (request.getHeader("Authorization") == null && !SAFE_METHODS.contains(request.getMethod())) {
            Origins.require(request);
        }
        return caller;
    }

    private static String token(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null) {
            if (header.length() > BEARER.length() && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return header.substring(BEARER.length()).trim();
            }
            throw ProblemException.unauthorized("The Authorization header must carry a Bearer token.");
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
                    return cookie.getValue();
                }
            }
        }
        throw ProblemException.unauthorized("A valid token is required.");
    }
}
