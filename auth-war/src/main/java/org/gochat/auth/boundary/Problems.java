package org.gochat.auth.boundary;

import jakarta.ws.rs.ext.Provider;

import org.gochat.web.ProblemMapper;

/** Errors of the auth service as problem+json. */
@Provider
public class Problems extends ProblemMapper {
}
