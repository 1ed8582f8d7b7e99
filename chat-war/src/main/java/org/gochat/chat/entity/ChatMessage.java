package org.gochat.chat.entity;

import java.time.Instant;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A stored chat message, as history returns it and as the {@code message} frame carries it:
 * {@code {"type":"message","roomId","seq","userId","username","content","sentAt","clientMsgId"}}
 * ({@code clientMsgId} left out when the sender gave none).
 */
@JsonbPropertyOrder({"type", "roomId", "seq", "userId", "username", "content", "sentAt", "clientMsgId"})
public record ChatMessage(String type, String roomId, long seq, long userId, String username, String content,
        Instant sentAt, String clientMsgId) {

    public ChatMessage(String roomId, long seq, long userId, String username, String content, Instant sentAt,
            String clientMsgId) {
        this("message", roomId, seq, userId, username, content, sentAt, clientMsgId);
    }
}
