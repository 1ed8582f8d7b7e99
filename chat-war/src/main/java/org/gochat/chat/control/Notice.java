package org.gochat.chat.control;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The NOTIFY payload announcing stored messages: "room {@code roomId} has messages {@code first}
 * to {@code last}", followed by their frames, one a line, when they fit in a payload (PostgreSQL
 * takes at most 8000 bytes). A notice without frames tells receivers to read those rows by seq.
 * JSON text never holds a raw line break, so a line is a frame.
 */
record Notice(String roomId, long first, long last, List<String> frames) {

    static final String CHANNEL = "gochat_messages";
    private static final int MAX_BYTES = 7900;

    boolean carriesFrames() {
        return frames != null;
    }

    String payload() {
        StringBuilder b = new StringBuilder(roomId).append(' ').append(first).append(' ').append(last);
        if (frames != null) {
            frames.forEach(f -> b.append('\n').append(f));
        }
        return b.toString();
    }

    static Notice parse(String payload) {
        String[] lines = payload.split("\n");
        String[] head = lines[0].split(" ");
        List<String> frames = lines.length > 1 ? Arrays.asList(lines).subList(1, lines.length) : null;
        return new Notice(head[0], Long.parseLong(head[1]), Long.parseLong(head[2]), frames);
    }

    /** The notices for the frames of seqs {@code first, first + 1, ...}, each payload within the limit. */
    static List<Notice> of(String roomId, long first, List<String> frames) {
        List<Notice> notices = new ArrayList<>();
        int headBytes = roomId.length() + 42;
        int from = 0;
        while (from < frames.size()) {
            int bytes = headBytes;
            int to = from;
            while (to < frames.size()) {
                int frameBytes = frames.get(to).getBytes(StandardCharsets.UTF_8).length + 1;
                if (bytes + frameBytes > MAX_BYTES) {
                    break;
                }
                bytes += frameBytes;
                to++;
            }
            if (to == from) { // one frame too large for any payload: receivers read it from the table
                notices.add(new Notice(roomId, first + from, first + from, null));
                from++;
            } else {
                notices.add(new Notice(roomId, first + from, first + to - 1, List.copyOf(frames.subList(from, to))));
                from = to;
            }
        }
        return notices;
    }
}
