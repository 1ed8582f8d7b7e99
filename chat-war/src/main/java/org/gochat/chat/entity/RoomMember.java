package org.gochat.chat.entity;

import java.time.Instant;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A member of a room, as {@code GET /chat/ws/rooms/{roomId}/members} lists it: {@code {"id","username","role","joinedAt"}}. */
@JsonbPropertyOrder({"id", "username", "role", "joinedAt"})
public record RoomMember(long id, String username, String role, Instant joinedAt) {
}
