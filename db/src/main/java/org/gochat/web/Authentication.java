package org.gochat.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling: the token from {@code Authorization: Bearer} or the {@code auth_token} cookie,
 * verified (signature, issuer, expiry, revocation, deleted account). Every authenticated route and
 * the WebSocket handshake of every WAR asks here.
 */
public final class Authentication {

    public static final String COOKIE = "auth_token";

    private static final String BEARER = "Bearer ";

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
