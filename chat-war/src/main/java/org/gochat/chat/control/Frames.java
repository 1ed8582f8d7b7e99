package org.gochat.chat.control;

import java.io.StringReader;
import java.time.Instant;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.gochat.chat.entity.ChatError;
import org.gochat.chat.entity.ChatMessage;
import org.gochat.chat.entity.MemberEvent;
import org.gochat.web.Text;

/** The WebSocket frames: what clients send, read and checked here, and the JSON the server sends. */
public final class Frames {

    public static final int MAX_CONTENT = 4096;
    public static final int MAX_CLIENT_MSG_ID = 64;

    /** Refuses duplicate keys: which of two "content"s would be the message? */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(
            Map.of("org.eclipse.parsson.rejectDuplicateKeys", true));

    /**
     * A client's frame, checked: a message (content trimmed, 1–4096 characters; clientMsgId null or at
     * most 64), or a typing indicator ({@link #TYPING}).
     */
    public record Inbound(String content, String clientMsgId, boolean typing) {

        static final Inbound TYPING = new Inbound(null, null, true);

        Inbound(String content, String clientMsgId) {
            this(content, clientMsgId, false);
        }
    }

    /** A frame the server refuses with an {@code error} event; the connection stays open. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient ChatError error;

        Refused(String code, String detail) {
            super(detail, null, false, false);
            this.error = new ChatError(code, detail);
        }

        public ChatError error() {
            return error;
        }
    }

    private Frames() {
    }

    /** The JSON text of a frame, encoded once whatever the number of receivers. */
    public static String encode(Object frame) {
        return Binding.JSONB.toJson(frame);
    }

    /** The JSON text of a value of this generic type (a list of records with their own serializers, say). */
    public static String encode(Object value, java.lang.reflect.Type type) {
        return Binding.JSONB.toJson(value, type);
    }

    /** Created on first use: message frames, the hot path, never need it. */
    private static final class Binding {
        static final Jsonb JSONB = JsonbBuilder.create();
    }

    /**
     * The frame of a stored event of a room's stream ({@code message}, {@code edit}, {@code delete}),
     * its fields in {@link ChatMessage}'s order, absent ones left out; written by hand, not by JSON-B,
     * because the message frame is the one frame on the hot path, and the same text, byte for byte,
     * that JSON-B writes for the event in history (FramesTest and HubIT check it). This class is the
     * only place that writes these frames.
     */
    public static String stored(ChatMessage m) {
        if (ChatMessage.MESSAGE.equals(m.type()) && m.content() != null && m.editedAt() == null && m.deleted() == null) {
            return message(m.roomId(), m.seq(), messageTail(m.userId(), m.username(), m.content(), m.sentAt(),
                    m.clientMsgId()));
        }
        String content = m.content() == null ? "" : m.content();
        StringBuilder b = new StringBuilder(160 + m.roomId().length() + m.username().length() + content.length());
        quote(b.append("{\"type\":"), m.type()).append(",\"roomId\":");
        quote(b, m.roomId()).append(",\"seq\":").append(m.seq());
        if (m.targetSeq() != null) {
            b.append(",\"targetSeq\":").append(m.targetSeq());
        }
        b.append(",\"userId\":").append(m.userId()).append(",\"username\":");
        quote(b, m.username());
        if (m.content() != null) {
            quote(b.append(",\"content\":"), m.content());
        }
        b.append(",\"sentAt\":\"").append(m.sentAt()).append('"');
        if (m.clientMsgId() != null) {
            quote(b.append(",\"clientMsgId\":"), m.clientMsgId());
        }
        if (m.editedAt() != null) {
            b.append(",\"editedAt\":\"").append(m.editedAt()).append('"');
        }
        if (m.deleted() != null) {
            b.append(",\"deleted\":").append(m.deleted());
        }
        return b.append('}').toString();
    }

    /**
     * The {@code member} frame of a change of a room's membership ({@code action}: added, removed,
     * banned, role); this class is the only place that writes it.
     */
    public static String member(String roomId, long userId, String username, String role, String action) {
        return encode(new MemberEvent("member", roomId, userId, username, role, action));
    }

    /** A {@code message} frame from its head (room and seq) and its tail, which {@link #messageTail} wrote. */
    static String message(String roomId, long seq, String tail) {
        StringBuilder b = new StringBuilder(40 + roomId.length() + tail.length()).append("{\"type\":\"message\",\"roomId\":");
        return quote(b, roomId).append(",\"seq\":").append(seq).append(tail).toString();
    }

    /**
     * The part of a {@code message} frame after its seq. It is written before the seq is known, when
     * the message is stored, and travels in the notification (see {@link Notice}).
     */
    static String messageTail(long userId, String username, String content, Instant sentAt, String clientMsgId) {
        StringBuilder b = new StringBuilder(80 + username.length() + content.length());
        b.append(",\"userId\":").append(userId).append(",\"username\":");
        quote(b, username).append(",\"content\":");
        quote(b, content).append(",\"sentAt\":\"").append(sentAt).append('"'); // ISO-8601, as JSON-B writes it
        if (clientMsgId != null) {
            quote(b.append(",\"clientMsgId\":"), clientMsgId);
        }
        return b.append('}').toString();
    }

    /**
     * Appends a JSON string literal escaped as JSON-B (its JSON-P generator) escapes it: quote,
     * backslash, and the C0 controls ({@code \b \t \n \f \r}, the others as a "backslash u" escape in
     * lower-case hex); the result never holds a raw line break.
     */
    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    /**
     * Reads a text frame: a JSON object {@code {"content","clientMsgId"?}} when it starts with an
     * opening brace and ends with a closing one, or else plain text that is the content itself;
     * the object {@code {"type":"typing"}} is a typing indicator. A frame that
     * looks like an object but is not a valid one (bad syntax, nesting past the parser's depth,
     * duplicate keys, wrong types), and text with control characters, are refused.
     */
    public static Inbound read(String text) throws Refused {
        String t = text.strip();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            return new Inbound(content(text), null);
        }
        JsonObject json = parseObject(t);
        if (json.get("type") instanceof JsonString type && type.getString().equals("typing")) {
            return Inbound.TYPING;
        }
        JsonValue content = json.get("content");
        if (!(content instanceof JsonString c)) {
            throw new Refused(ChatError.INVALID, "A JSON message needs a string \"content\".");
        }
        JsonValue id = json.get("clientMsgId");
        String clientMsgId = null;
        if (id != null && id != JsonValue.NULL) {
            if (!(id instanceof JsonString s)) {
                throw new Refused(ChatError.INVALID, "\"clientMsgId\" must be a string.");
            }
            clientMsgId = s.getString();
            if (clientMsgId.codePointCount(0, clientMsgId.length()) > MAX_CLIENT_MSG_ID) {
                throw new Refused(ChatError.INVALID, "\"clientMsgId\" has more than " + MAX_CLIENT_MSG_ID + " characters.");
            }
            refuseControls(clientMsgId, "\"clientMsgId\"");
        }
        return new Inbound(content(c.getString()), clientMsgId);
    }

    /** A message's content by the rules of the contract: trimmed, 1–4096 characters, no control characters but tab and newline. */
    public static String content(String raw) throws Refused {
        String content = raw.strip();
        if (content.isEmpty()) {
            throw new Refused(ChatError.INVALID, "The message is empty.");
        }
        if (content.codePointCount(0, content.length()) > MAX_CONTENT) {
            throw new Refused(ChatError.TOO_LARGE, "The message has more than " + MAX_CONTENT + " characters.");
        }
        refuseControls(content, "The message");
        return content;
    }

    private static void refuseControls(String text, String what) throws Refused {
        if (Text.hasForbiddenControl(text)) {
            throw new Refused(ChatError.INVALID, what + " holds a control character other than tab and newline.");
        }
    }

    private static JsonObject parseObject(String text) throws Refused {
        try (var reader = READERS.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (RuntimeException e) { // JsonException, and whatever else the parser throws (too deep, say)
            throw new Refused(ChatError.INVALID, "The message is not a valid JSON object.");
        }
    }
}
