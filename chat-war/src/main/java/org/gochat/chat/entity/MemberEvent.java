package org.gochat.chat.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A {@code member} frame: {@code {"type":"member","roomId","userId","username","role","action"}},
 * {@code action} one of added, removed, banned, role; sent to the room's connected members, never stored.
 */
@JsonbPropertyOrder({"type", "roomId", "userId", "username", "role", "action"})
public record MemberEvent(String type, String roomId, long userId, String username, String role, String action) {
}
