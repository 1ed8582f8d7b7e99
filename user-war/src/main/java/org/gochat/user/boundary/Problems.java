package org.gochat.user.boundary;

import jakarta.ws.rs.ext.Provider;

import org.gochat.web.ProblemMapper;

/** Errors of the user service as problem+json. */
@Provider
public class Problems extends ProblemMapper {
}
