package org.gochat.chat.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A {@code typing} frame: {@code {"type":"typing","roomId","userId","username"}}; never stored, no seq. */
@JsonbPropertyOrder({"type", "roomId", "userId", "username"})
public record ChatTyping(String type, String roomId, long userId, String username) {

    public ChatTyping(String roomId, long userId, String username) {
        this("typing", roomId, userId, username);
    }
}
