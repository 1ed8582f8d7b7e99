package org.gochat.web;

import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.bind.JsonbException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Turns every exception that leaves a resource into an {@code application/problem+json} response:
 * never a stack trace, SQL text or driver message. A WAR registers it with a one-line
 * {@code @Provider} subclass (providers in a shared library are not discovered by themselves).
 */
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        return toProblem(e).toResponse();
    }

    static ProblemException toProblem(Throwable e) {
        // The JAX-RS runtime wraps what a body reader throws (JsonBodyReader's 400s).
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProblemException p) {
                return p;
            }
        }
        if (e instanceof ConstraintViolationException cve) {
            List<Problem.FieldError> errors = cve.getConstraintViolations().stream()
                    .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                    .sorted(java.util.Comparator.comparing(Problem.FieldError::field))
                    .toList();
            return ProblemException.invalid(errors);
        }
        if (e instanceof WebApplicationException wae) {
            int status = wae.getResponse().getStatus();
            if (status >= 500) {
                return internal(e);
            }
            Throwable cause = wae.getCause();
            if (status == 400 && (cause instanceof JsonbException || cause instanceof ProcessingException)) {
                return ProblemException.badRequest("The body is not valid JSON of the expected shape.");
            }
            if (status == 405) {
                return ProblemException.methodNotAllowed(String.join(", ", wae.getResponse().getAllowedMethods()));
            }
            if (status == 415) {
                return ProblemException.unsupportedMediaType();
            }
            Status known = Status.fromStatusCode(status);
            return new ProblemException(status, known != null ? known.getReasonPhrase() : "Error",
                    status == 404 ? "No such resource." : known != null ? known.getReasonPhrase() + "." : "Error.");
        }
        if (e instanceof JsonbException || e instanceof ProcessingException) {
            return ProblemException.badRequest("The body is not valid JSON of the expected shape.");
        }
        return internal(e);
    }

    private static ProblemException internal(Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected error " + id, e);
        return new ProblemException(500, "Internal Server Error", "Unexpected error; reference " + id + ".");
    }

    private static String field(ConstraintViolation<?> v) {
        String name = "";
        for (Path.Node node : v.getPropertyPath()) {
            name = node.getName() == null ? name : node.getName();
        }
        return name;
    }
}
