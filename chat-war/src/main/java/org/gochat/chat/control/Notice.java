package org.gochat.chat.control;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The NOTIFY payload announcing stored messages, written and read here only: a head line
 * "{@code roomId first last}" (room {@code roomId} has messages {@code first} to {@code last}), then,
 * when they fit in a payload (PostgreSQL takes at most 8000 bytes), one line per message with its
 * frame's tail ({@link Frames#messageTail}). The storing statement writes it with {@link #payloadSql},
 * since only the database knows the seqs; each node puts head and tail together once per message
 * ({@link #frame}). A notice without tails tells receivers to read those rows by seq. JSON text never
 * holds a raw line break, so a line is a tail.
 */
record Notice(String roomId, long first, long last, List<String> tails) {

    static final String CHANNEL = "gochat_messages";
    /** Room ids are at most 64 characters, so the head takes at most 64 + 2 × 20 + 2 bytes. */
    private static final int MAX_BODY_BYTES = 7900 - 106;

    boolean carriesFrames() {
        return tails != null;
    }

    /** The frame of the notice's {@code i}-th message, seq {@code first + i}. */
    String frame(int i) {
        return Frames.message(roomId, first + i, tails.get(i));
    }

    /** The room id alone, without reading the rest of the payload. */
    static String roomOf(String payload) {
        return payload.substring(0, payload.indexOf(' '));
    }

    /** The last seq the payload announces, read from its head line alone. */
    static long lastOf(String payload) {
        int end = payload.indexOf('\n');
        String head = end < 0 ? payload : payload.substring(0, end);
        return Long.parseLong(head.substring(head.lastIndexOf(' ') + 1));
    }

    static Notice parse(String payload) {
        String[] lines = payload.split("\n");
        String[] head = lines[0].split(" ");
        List<String> tails = lines.length > 1 ? Arrays.asList(lines).subList(1, lines.length) : null;
        return new Notice(head[0], Long.parseLong(head[1]), Long.parseLong(head[2]), tails);
    }

    /**
     * The payload as an SQL expression of the batch's first seq ({@code first}, an SQL expression
     * too), with three parameters: the room id, the number of events, and the {@link #body}.
     */
    static String payloadSql(String first) {
        return payloadSql("?::text", first, "?", "?::text");
    }

    /**
     * The payload as an SQL expression of the room id, the batch's first seq, its number of
     * messages and its {@link #body} (SQL expressions all).
     */
    static String payloadSql(String room, String first, String count, String body) {
        return room + " || ' ' || " + first + " || ' ' || (" + first + " + " + count + " - 1) || " + body;
    }

    /** The payload after the head line for these tails: one line each. */
    static String body(List<String> tails) {
        StringBuilder b = new StringBuilder();
        tails.forEach(t -> b.append('\n').append(t));
        return b.toString();
    }

    /** The bytes {@link #body} takes for one more tail. */
    static int bodyBytes(String tail) {
        return tail.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    /** Whether a body of this many bytes fits in a payload. */
    static boolean fits(int bodyBytes) {
        return bodyBytes <= MAX_BODY_BYTES;
    }
}
