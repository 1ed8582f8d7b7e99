package org.gochat.chat.entity;

import java.time.Instant;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * An event of a room's stored stream, as history returns it and as its frame carries it:
 * {@code {"type","roomId","seq","targetSeq","userId","username","content","sentAt","clientMsgId","editedAt","deleted"}},
 * absent fields left out.
 * <ul>
 * <li>{@code message}: a message in its current state: its latest {@code content} and, once edited,
 * {@code editedAt}; once deleted, {@code "deleted": true} and no {@code content}.
 * <li>{@code edit}: {@code userId} changed message {@code targetSeq} to {@code content} (no
 * {@code content} and {@code "deleted": true} once that message was deleted: its text is gone).
 * <li>{@code delete}: {@code userId} deleted message {@code targetSeq}.
 * </ul>
 * {@code deleted} is null, not false, when not deleted, so that it is left out.
 */
@JsonbPropertyOrder({"type", "roomId", "seq", "targetSeq", "userId", "username", "content", "sentAt", "clientMsgId",
        "editedAt", "deleted"})
public record ChatMessage(String type, String roomId, long seq, Long targetSeq, long userId, String username,
        String content, Instant sentAt, String clientMsgId, Instant editedAt, Boolean deleted) {

    public static final String MESSAGE = "message";
    public static final String EDIT = "edit";
    public static final String DELETE = "delete";

    /** A message as it was sent (not edited, not deleted). */
    public ChatMessage(String roomId, long seq, long userId, String username, String content, Instant sentAt,
            String clientMsgId) {
        this(MESSAGE, roomId, seq, null, userId, username, content, sentAt, clientMsgId, null, null);
    }
}
