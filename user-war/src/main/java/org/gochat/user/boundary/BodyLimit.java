package org.gochat.user.boundary;

import jakarta.ws.rs.ext.Provider;

import org.gochat.web.BodyLimitFilter;

/** Request bodies of the user service: at most 64 KiB. */
@Provider
public class BodyLimit extends BodyLimitFilter {
}
