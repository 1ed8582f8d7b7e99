package org.gochat.chat.entity;

import jakarta.json.bind.annotation.JsonbTypeSerializer;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

/**
 * One room of {@code GET /chat/ws/inbox}: the room, the caller's role in it, its last seq, the
 * caller's read marker, how many messages the caller has not read, and its newest message (null
 * when it has none).
 */
@JsonbTypeSerializer(InboxEntry.Json.class)
public record InboxEntry(RoomView room, String role, long lastSeq, long readSeq, long unread, ChatMessage lastMessage) {

    /** Writes every field, {@code "lastMessage":null} included (JSON-B leaves null fields out). */
    public static final class Json implements JsonbSerializer<InboxEntry> {
        @Override
        public void serialize(InboxEntry e, JsonGenerator g, SerializationContext context) {
            g.writeStartObject();
            context.serialize("room", e.room(), g);
            g.write("role", e.role());
            writeState(e, g, context);
            g.writeEnd();
        }
    }

    /** The room's state as the inbox and the user socket's {@code inbox} frame write it: lastSeq, readSeq, unread, lastMessage. */
    static void writeState(InboxEntry e, JsonGenerator g, SerializationContext context) {
        g.write("lastSeq", e.lastSeq());
        g.write("readSeq", e.readSeq());
        g.write("unread", e.unread());
        if (e.lastMessage() == null) {
            g.writeNull("lastMessage");
        } else {
            context.serialize("lastMessage", e.lastMessage(), g);
        }
    }
}
