package org.gochat.chat.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** An {@code error} frame: {@code {"type":"error","code","detail"}}; the connection stays open. */
@JsonbPropertyOrder({"type", "code", "detail"})
public record ChatError(String type, String code, String detail) {

    public static final String TOO_LARGE = "message_too_large";
    public static final String INVALID = "invalid_message";
    public static final String RATE_LIMITED = "rate_limited";
    /** The message could not be stored (the database is unreachable); nothing was stored, send it again. */
    public static final String UNAVAILABLE = "unavailable";

    public ChatError(String code, String detail) {
        this("error", code, detail);
    }
}
