package org.gochat.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;

import org.gochat.chat.entity.ChatError;
import org.gochat.chat.entity.ChatMessage;
import org.junit.jupiter.api.Test;

/**
 * The hand-written message frame is valid JSON with the contract's fields, whatever the text holds,
 * and the very text JSON-B's generator writes (HubIT compares it with the history route's body).
 */
class FramesTest {

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    @Test
    void messageFrameCarriesEveryFieldInOrder() {
        Instant sentAt = Instant.parse("2026-11-29T00:39:46.120Z");
        String frame = Frames.stored(new ChatMessage("room-1", 42, 7, "ann", "hello", sentAt, "c-1"));
        assertEquals("{\"type\":\"message\",\"roomId\":\"room-1\",\"seq\":42,\"userId\":7,\"username\":\"ann\","
                + "\"content\":\"hello\",\"sentAt\":\"2026-11-29T00:39:46.120Z\",\"clientMsgId\":\"c-1\"}", frame);
    }

    /** What JSON-B writes for a stored event: its JSON-P generator, the fields in ChatMessage's order, nulls left out. */
    private static String generated(ChatMessage m) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.createGenerator(out)) {
            g.writeStartObject().write("type", m.type()).write("roomId", m.roomId()).write("seq", m.seq());
            if (m.targetSeq() != null) {
                g.write("targetSeq", m.targetSeq());
            }
            g.write("userId", m.userId()).write("username", m.username());
            if (m.content() != null) {
                g.write("content", m.content());
            }
            g.write("sentAt", m.sentAt().toString());
            if (m.clientMsgId() != null) {
                g.write("clientMsgId", m.clientMsgId());
            }
            if (m.editedAt() != null) {
                g.write("editedAt", m.editedAt().toString());
            }
            if (m.deleted() != null) {
                g.write("deleted", m.deleted());
            }
            g.writeEnd();
        }
        return out.toString();
    }

    @Test
    void editDeleteAndChangedMessagesAreWrittenAsJsonbWritesThemInHistory() {
        Instant at = Instant.parse("2026-11-29T00:39:46.120Z");
        Instant later = Instant.parse("2026-11-29T00:41:00Z");
        List<ChatMessage> events = List.of(
                new ChatMessage("message", "r1", 42, null, 7, "alice", "hi!", at, "c-1", later, null),
                new ChatMessage("message", "r1", 43, null, 7, "alice", null, at, null, later, true),
                new ChatMessage("message", "r1", 44, null, 7, "alice", null, at, "c-2", null, true),
                new ChatMessage("edit", "r1", 57, 42L, 7, "alice", "hi \"there\"\n", later, null, null, null),
                new ChatMessage("edit", "r1", 58, 43L, 7, "alice", null, later, null, null, true),
                new ChatMessage("delete", "r1", 59, 43L, 9, "bob", null, later, null, null, null),
                new ChatMessage("r1", 60, 7, "alice", "plain", at, null));
        for (ChatMessage m : events) {
            assertSameText(generated(m), Frames.stored(m));
        }
        assertEquals("{\"type\":\"edit\",\"roomId\":\"r1\",\"seq\":57,\"targetSeq\":42,\"userId\":7,\"username\":\"alice\","
                + "\"content\":\"hi!\",\"sentAt\":\"2026-11-29T00:41:00Z\"}",
                Frames.stored(new ChatMessage("edit", "r1", 57, 42L, 7, "alice", "hi!", later, null, null, null)));
        assertEquals("{\"type\":\"delete\",\"roomId\":\"r1\",\"seq\":58,\"targetSeq\":42,\"userId\":9,\"username\":\"bob\","
                + "\"sentAt\":\"2026-11-29T00:41:00Z\"}",
                Frames.stored(new ChatMessage("delete", "r1", 58, 42L, 9, "bob", null, later, null, null, null)));
    }

    @Test
    void everyCharacterIsEscapedAsTheJsonGeneratorEscapesIt() {
        StringBuilder every = new StringBuilder();
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            every.append((char) c);
        }
        String text = every.toString();
        for (Instant sentAt : List.of(Instant.EPOCH, Instant.parse("2026-11-29T00:39:46.120Z"),
                Instant.parse("2026-11-29T00:39:46.100Z"), Instant.parse("2026-11-29T00:39:46Z"))) {
            ChatMessage m = new ChatMessage("r_1-x", 9_007_199_254_740_993L, Long.MAX_VALUE, "a.b_c-d", text, sentAt, text);
            assertSameText(generated(m), Frames.stored(m));
            ChatMessage without = new ChatMessage("r", 1, 2, "bo", text, sentAt, null);
            assertSameText(generated(without), Frames.stored(without));
        }
    }

    /** Equal texts; else where they part, with a few characters around (the texts are long). */
    private static void assertSameText(String expected, String actual) {
        int i = 0;
        while (i < Math.min(expected.length(), actual.length()) && expected.charAt(i) == actual.charAt(i)) {
            i++;
        }
        if (i < expected.length() || i < actual.length()) {
            int from = Math.max(0, i - 20);
            assertEquals(expected.substring(from, Math.min(expected.length(), i + 20)),
                    actual.substring(from, Math.min(actual.length(), i + 20)), "the texts part at " + i);
        }
    }

    @Test
    void clientMsgIdIsLeftOutWhenAbsent() {
        JsonObject json = parse(Frames.stored(new ChatMessage("r", 1, 2, "bo", "x", Instant.EPOCH, null)));
        assertFalse(json.containsKey("clientMsgId"));
        assertEquals("1970-01-01T00:00:00Z", json.getString("sentAt"));
    }

    @Test
    void anyTextSurvivesTheRoundTripOnOneLine() {
        for (String text : List.of("quote \" and backslash \\", "line\nbreak\r\ttab", "control \u0001\u001f end",
                "unicode é ü 日本 😀", "</script>", "\u2028\u2029", "{\"content\":\"nested\"}")) {
            String frame = Frames.stored(new ChatMessage("r", 3, 4, text, text, Instant.EPOCH, text));
            assertFalse(frame.contains("\n") || frame.contains("\r"), frame);
            JsonObject json = parse(frame);
            assertEquals("message", json.getString("type"));
            assertEquals(3, json.getJsonNumber("seq").longValue());
            assertEquals(text, json.getString("content"));
            assertEquals(text, json.getString("username"));
            assertEquals(text, json.getString("clientMsgId"));
        }
    }

    @Test
    void noticeCarriesTailsThatNodesJoinToTheirSeqs() {
        List<String> tails = List.of(Frames.messageTail(1, "a", "one", Instant.EPOCH, null),
                Frames.messageTail(2, "b", "two\nlines", Instant.EPOCH, "id"));
        Notice notice = Notice.parse("room 10 11" + Notice.body(tails));
        assertTrue(notice.carriesFrames());
        assertEquals(10, parse(notice.frame(0)).getJsonNumber("seq").longValue());
        assertEquals("two\nlines", parse(notice.frame(1)).getString("content"));
        assertEquals(11, parse(notice.frame(1)).getJsonNumber("seq").longValue());
        assertFalse(Notice.parse("room 12 12").carriesFrames());
    }

    @Test
    void readRefusesWhatLooksLikeAnObjectButIsNotAValidOneAndControlCharacters() {
        for (String bad : List.of("{\"content\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                "{\"content\":\"a\",\"content\":\"b\"}", "{\"content\":\"x\",}", "{\"content\":1}", "{}",
                "nul \u0000 raw", "{\"content\":\"nul \\u0000 escaped\"}", "{\"content\":\"a\\rb\"}",
                "{\"content\":\"x\",\"clientMsgId\":\"esc\\u001b\"}", "{\"content\":\"x\",\"clientMsgId\":7}")) {
            Frames.Refused refused = assertThrows(Frames.Refused.class, () -> Frames.read(bad), bad);
            assertEquals(ChatError.INVALID, refused.error().code());
        }
    }

    @Test
    void readTakesTabsNewlinesAndPlainTextWithBraces() throws Frames.Refused {
        assertEquals(new Frames.Inbound("a\tb\nc", "id-1"), Frames.read("{\"content\":\" a\\tb\\nc \",\"clientMsgId\":\"id-1\"}"));
        assertEquals(new Frames.Inbound("{not an object", null), Frames.read("{not an object"));
        assertEquals(new Frames.Inbound("plain", null), Frames.read(" plain\r\n"));
    }
}
