package org.gochat.chat.entity;

import java.time.Instant;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A {@code join} or {@code leave} frame: {@code {"type","roomId","userId","username","sentAt"}}; never stored. */
@JsonbPropertyOrder({"type", "roomId", "userId", "username", "sentAt"})
public record ChatEvent(String type, String roomId, long userId, String username, Instant sentAt) {
}
