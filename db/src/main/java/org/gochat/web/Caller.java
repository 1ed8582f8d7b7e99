package org.gochat.web;

import java.security.Principal;
import java.time.Instant;

import jakarta.ws.rs.core.SecurityContext;

/**
 * The verified user behind a request: from the token's {@code sub}, {@code upn}, {@code jti} and
 * {@code exp}. It is the request's principal: in {@link SecurityContext} on the routes (set by
 * {@link AuthenticationFilter}) and the handshake request's user principal on the WebSockets.
 */
public record Caller(long id, String username, String tokenId, Instant expiresAt) implements Principal {

    /** The role every valid token carries (its {@code groups} claim), the one routes ask for. */
    public static final String ROLE = "user";

    @Override
    public String getName() {
        return username;
    }

    /** The caller of a {@code @RolesAllowed} route, as {@link AuthenticationFilter} verified it. */
    public static Caller of(SecurityContext security) {
        if (security.getUserPrincipal() instanceof Caller caller) {
            return caller;
        }
        // Only a route open to everyone (@PermitAll) gets here without a caller: a programming error.
        throw new IllegalStateException("no verified caller: the route is not @RolesAllowed");
    }
}
