package org.gochat.web;

import java.time.Instant;

/** The verified user behind a request: from the token's {@code sub}, {@code upn}, {@code jti} and {@code exp}. */
public record Caller(long id, String username, String tokenId, Instant expiresAt) {
}
