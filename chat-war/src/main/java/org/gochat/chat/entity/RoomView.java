package org.gochat.chat.entity;

import java.time.Instant;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A room as createRoom, the direct route and the inbox return it:
 * {@code {"id","name","visibility","createdBy","createdAt"}} ({@code createdBy} left out when the
 * creator's account is gone).
 */
@JsonbPropertyOrder({"id", "name", "visibility", "createdBy", "createdAt"})
public record RoomView(String id, String name, String visibility, Long createdBy, Instant createdAt) {
}
