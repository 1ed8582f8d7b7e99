package org.gochat.web;

import java.util.List;

/**
 * An RFC 9457 problem, the body of every error response: {@code {"type","title","status","detail"}}
 * and, for validation errors, {@code "errors":[{"field","message"}]}.
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }
}
