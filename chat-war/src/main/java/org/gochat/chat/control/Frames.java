package org.gochat.chat.control;

import java.io.StringReader;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.gochat.chat.entity.ChatError;

/** The WebSocket frames: what clients send, read and checked here, and the JSON the server sends. */
public final class Frames {

    public static final int MAX_CONTENT = 4096;
    public static final int MAX_CLIENT_MSG_ID = 64;

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    /** A client's message, checked: content trimmed, 1–4096 characters; clientMsgId null or at most 64. */
    public record Inbound(String content, String clientMsgId) {
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
        return JSONB.toJson(frame);
    }

    /**
     * Reads a text frame: a JSON object {@code {"content","clientMsgId"?}}, or else plain text that
     * is the content itself.
     */
    public static Inbound read(String text) throws Refused {
        JsonObject json = asJsonObject(text);
        if (json == null) {
            return new Inbound(content(text), null);
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
        }
        return new Inbound(content(c.getString()), clientMsgId);
    }

    private static String content(String raw) throws Refused {
        String content = raw.strip();
        if (content.isEmpty()) {
            throw new Refused(ChatError.INVALID, "The message is empty.");
        }
        if (content.codePointCount(0, content.length()) > MAX_CONTENT) {
            throw new Refused(ChatError.TOO_LARGE, "The message has more than " + MAX_CONTENT + " characters.");
        }
        return content;
    }

    private static JsonObject asJsonObject(String text) {
        String t = text.strip();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            return null;
        }
        try (var reader = READERS.createReader(new StringReader(t))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return null; // not JSON: plain text that happens to start with a brace
        }
    }
}
