package org.gochat.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.gochat.chat.entity.ChatError;
import org.gochat.chat.entity.ChatMessage;
import org.junit.jupiter.api.Test;

/** The hand-written message frame is valid JSON with the contract's fields, whatever the text holds. */
class FramesTest {

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    @Test
    void messageFrameCarriesEveryFieldInOrder() {
        Instant sentAt = Instant.parse("2026-11-29T00:39:46.120Z");
        String frame = Frames.message(new ChatMessage("room-1", 42, 7, "ann", "hello", sentAt, "c-1"));
        assertEquals("{\"type\":\"message\",\"roomId\":\"room-1\",\"seq\":42,\"userId\":7,\"username\":\"ann\","
                + "\"content\":\"hello\",\"sentAt\":\"2026-11-29T00:39:46.120Z\",\"clientMsgId\":\"c-1\"}", frame);
    }

    @Test
    void clientMsgIdIsLeftOutWhenAbsent() {
        JsonObject json = parse(Frames.message(new ChatMessage("r", 1, 2, "bo", "x", Instant.EPOCH, null)));
        assertFalse(json.containsKey("clientMsgId"));
        assertEquals("1970-01-01T00:00:00Z", json.getString("sentAt"));
    }

    @Test
    void anyTextSurvivesTheRoundTripOnOneLine() {
        for (String text : List.of("quote \" and backslash \\", "line\nbreak\r\ttab", "control \u0001\u001f end",
                "unicode é ü 日本 😀", "</script>", "\u2028\u2029", "{\"content\":\"nested\"}")) {
            String frame = Frames.message(new ChatMessage("r", 3, 4, text, text, Instant.EPOCH, text));
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
