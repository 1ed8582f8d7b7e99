package org.gochat.chat.boundary;

import jakarta.ws.rs.ext.Provider;

import org.gochat.web.ProblemMapper;

/** Errors of the chat service as problem+json. */
@Provider
public class Problems extends ProblemMapper {
}
