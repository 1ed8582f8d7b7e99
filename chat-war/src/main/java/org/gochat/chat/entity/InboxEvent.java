package org.gochat.chat.entity;

import jakarta.json.bind.annotation.JsonbTypeSerializer;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

/**
 * An {@code inbox} frame of the user socket:
 * {@code {"type":"inbox","roomId","lastSeq","readSeq","unread","lastMessage"}}, the latest state of
 * one of the user's rooms ({@code lastMessage} a message object, or null when the room has none).
 */
@JsonbTypeSerializer(InboxEvent.Json.class)
public record InboxEvent(String roomId, long lastSeq, long readSeq, long unread, ChatMessage lastMessage) {

    public static InboxEvent of(InboxEntry entry) {
        return new InboxEvent(entry.room().id(), entry.lastSeq(), entry.readSeq(), entry.unread(), entry.lastMessage());
    }

    /** Writes every field, {@code "lastMessage":null} included (JSON-B leaves null fields out). */
    public static final class Json implements JsonbSerializer<InboxEvent> {
        @Override
        public void serialize(InboxEvent e, JsonGenerator g, SerializationContext context) {
            g.writeStartObject();
            g.write("type", "inbox");
            g.write("roomId", e.roomId());
            g.write("lastSeq", e.lastSeq());
            g.write("readSeq", e.readSeq());
            g.write("unread", e.unread());
            if (e.lastMessage() == null) {
                g.writeNull("lastMessage");
            } else {
                context.serialize("lastMessage", e.lastMessage(), g);
            }
            g.writeEnd();
        }
    }
}
