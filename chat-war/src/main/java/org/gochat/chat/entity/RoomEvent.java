package org.gochat.chat.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A {@code room} frame of the user socket: {@code {"type":"room","action","room"}}, {@code action}
 * added, removed or deleted (the user was added to or removed from the room, or the room is gone).
 */
@JsonbPropertyOrder({"type", "action", "room"})
public record RoomEvent(String type, String action, RoomView room) {

    public static RoomEvent of(String action, RoomView room) {
        return new RoomEvent("room", action, room);
    }
}
