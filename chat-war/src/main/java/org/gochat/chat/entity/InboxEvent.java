package org.gochat.chat.entity;

import jakarta.json.bind.annotation.JsonbTypeSerializer;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

/**
 * An {@code inbox} frame of the user socket:
 * {@code {"type":"inbox","roomId","lastSeq","readSeq","unread","lastMessage"}}, the latest state of
 * one of the user's rooms, as {@code GET /chat/ws/inbox} gives it ({@code lastMessage} null when
 * the room has none).
 */
@JsonbTypeSerializer(InboxEvent.Json.class)
public record InboxEvent(InboxEntry entry) {

    public static final class Json implements JsonbSerializer<InboxEvent> {
        @Override
        public void serialize(InboxEvent e, JsonGenerator g, SerializationContext context) {
            g.writeStartObject();
            g.write("type", "inbox");
            g.write("roomId", e.entry().room().id());
            InboxEntry.writeState(e.entry(), g, context);
            g.writeEnd();
        }
    }
}
