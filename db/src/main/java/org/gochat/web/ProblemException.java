package org.gochat.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;

/**
 * Ends a request with a problem response; thrown by resources and services, mapped by
 * {@link ProblemMapper}. It is also the one writer of problem+json: {@link #toResponse()} for
 * JAX-RS, {@link #send} for servlets and filters (the WebSocket handshake, the client's files, the
 * error page), both with the same body ({@link #json()}) and headers ({@link #headers()}).
 */
public class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Long retryAfterSeconds;
    private final String allow;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null, null, null);
    }

    private ProblemException(int status, String title, String detail, List<Problem.FieldError> errors,
            Long retryAfterSeconds, String allow) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = errors;
        this.retryAfterSeconds = retryAfterSeconds;
        this.allow = allow;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    /** 400 naming the fields that failed validation. */
    public static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(400, "Bad Request", "The request has invalid fields.", List.copyOf(errors), null, null);
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new Problem.FieldError(field, message)));
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    /** 405 with the {@code Allow} header listing the methods the resource has. */
    public static ProblemException methodNotAllowed(String allow) {
        return new ProblemException(405, "Method Not Allowed", "The resource does not answer this method.", null, null, allow);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    public static ProblemException tooLarge(String detail) {
        return new ProblemException(413, "Content Too Large", detail);
    }

    /** 415: the one media type GoChat's bodies come in. */
    public static ProblemException unsupportedMediaType() {
        return new ProblemException(415, "Unsupported Media Type", "The body must be application/json.");
    }

    /** 426 with {@code Upgrade: websocket}, the one protocol GoChat switches to. */
    public static ProblemException upgradeRequired(String detail) {
        return new ProblemException(426, "Upgrade Required", detail);
    }

    public static ProblemException tooManyRequests(String detail, long retryAfterSeconds) {
        return new ProblemException(429, "Too Many Requests", detail, null, retryAfterSeconds, null);
    }

    public static ProblemException unavailable(String detail, long retryAfterSeconds) {
        return new ProblemException(503, "Service Unavailable", detail, null, retryAfterSeconds, null);
    }

    public int status() {
        return status;
    }

    public Problem problem() {
        return new Problem("about:blank", title, status, getMessage(), errors);
    }

    /** The body of the response: the {@link #problem()} as JSON. */
    public String json() {
        return Json.B.toJson(problem());
    }

    /** The problem as a JAX-RS response, with its headers. */
    public Response toResponse() {
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE).entity(json());
        headers().forEach(builder::header);
        return builder.build();
    }

    /** Writes the problem as the servlet response (anything buffered so far is dropped), with its headers. */
    public void send(HttpServletResponse response) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        headers().forEach(response::setHeader);
        response.getWriter().write(json());
    }

    /** Created on first use, not with the first refusal's class loading. */
    private static final class Json {
        static final Jsonb B = JsonbBuilder.create();
    }

    /** Seconds for a {@code Retry-After} header, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * The headers that go with the problem: {@code WWW-Authenticate} on 401, {@code Upgrade} on 426,
     * {@code Retry-After}, {@code Allow}.
     */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (status == 401) {
            headers.put("WWW-Authenticate", "Bearer");
        }
        if (status == 426) {
            headers.put("Upgrade", "websocket");
        }
        if (retryAfterSeconds != null) {
            headers.put("Retry-After", retryAfterSeconds.toString());
        }
        if (allow != null) {
            headers.put("Allow", allow);
        }
        return headers;
    }
}
