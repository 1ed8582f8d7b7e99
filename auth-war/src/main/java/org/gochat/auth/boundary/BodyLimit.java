package org.gochat.auth.boundary;

import jakarta.ws.rs.ext.Provider;

import org.gochat.web.BodyLimitFilter;

/** Request bodies of the auth service: at most 64 KiB. */
@Provider
public class BodyLimit extends BodyLimitFilter {
}
