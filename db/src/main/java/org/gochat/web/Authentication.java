package org.gochat.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling: the token from {@code Authorization: Bearer} or the {@code auth_token} cookie,
 * verified (signature, issuer, expiry, revocation, deleted account). Every authenticated route and
 * the WebSocket handshake of every WAR asks here.
 */
public final class Authentication {

    public static final String COOKIE = "auth_token";

    private Authentication() {
    }

    /** The verified caller; a 401 {@link ProblemException} when there is no valid token. */
    public static Caller require(HttpServletRequest request) {
        throw ProblemException.unauthorized("A valid token is required.");
    }
}
