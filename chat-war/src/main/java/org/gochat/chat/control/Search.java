package org.gochat.chat.control;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.gochat.chat.entity.ChatMessage;

/**
 * Full-text search over the current text of messages: PostgreSQL's {@code websearch_to_tsquery}
 * (quoted phrases, {@code or}, {@code -word}) in the language-neutral 'simple' configuration,
 * against the GIN index of migration V51, whose expression each query repeats. Deleted messages
 * have no text and so no entry; an edited message has its latest text; edit and delete events are
 * never results. Newest first. The planner, with that expression's statistics, reads the index
 * for rare words and the room (by seq) or the messages (by time, V51) backwards for common ones.
 */
@ApplicationScoped
public class Search {

    private static final String MATCHES = """
            kind = 'message' AND NOT deleted
               AND to_tsvector('simple', content) @@ websearch_to_tsquery('simple', ?)""";

    /** The rooms a user's search across rooms covers: the rooms they are a member of. One parameter, the user id. */
    private static final String CALLERS_ROOMS = "SELECT room_id FROM room_members WHERE user_id = ?";

    /** Up to {@code limit} messages of the room matching {@code q} with {@code seq < before}, newest first. */
    public List<ChatMessage> inRoom(String roomId, String q, long before, int limit) {
        return MessageStore.queryPlannedForItsParameters("SELECT " + MessageStore.COLUMNS + " FROM messages WHERE room_id = ? AND " + MATCHES
                + " AND seq < ? ORDER BY seq DESC LIMIT ?", roomId, q, before, limit);
    }

    /**
     * Where a page across rooms starts: before a time, or, exactly, before the message
     * ({@code roomId}, {@code seq}) sent at that time (messages sent in one millisecond share it).
     */
    public record Before(Instant sentAt, String roomId, Long seq) {
    }

    /**
     * Up to {@code limit} messages matching {@code q} in the user's rooms, from {@code before} on,
     * newest first: by time, then room and seq (both descending) for messages sent in the same
     * millisecond.
     */
    public List<ChatMessage> acrossRooms(long userId, String q, Before before, int limit) {
        OffsetDateTime time = OffsetDateTime.ofInstant(before.sentAt(), ZoneOffset.UTC);
        String sql = "SELECT " + MessageStore.COLUMNS + " FROM messages WHERE room_id IN (" + CALLERS_ROOMS + ") AND "
                + MATCHES + " AND %s ORDER BY sent_at DESC, room_id DESC, seq DESC LIMIT ?";
        if (before.roomId() == null) {
            return MessageStore.queryPlannedForItsParameters(sql.formatted("sent_at < ?"), userId, q, time, limit);
        }
        return MessageStore.queryPlannedForItsParameters(sql.formatted("(sent_at, room_id, seq) < (?, ?, ?)"), userId, q, time,
                before.roomId(), before.seq(), limit);
    }
}
