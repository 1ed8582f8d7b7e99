package org.gochat.chat.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.gochat.chat.entity.ChatMessage;

/**
 * Full-text search over the current text of messages: PostgreSQL's {@code websearch_to_tsquery}
 * (quoted phrases, {@code or}, {@code -word}) in the language-neutral 'simple' configuration,
 * against the GIN index of migration V51, whose expression each query repeats. Deleted messages
 * have no text and so no entry; an edited message has its latest text; edit and delete events are
 * never results. Newest first. In one room the planner, with that expression's statistics, reads
 * the index for rare words and the room backwards by seq for common ones; across rooms the
 * search chooses between the two by the estimate (see {@link #acrossRooms}).
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
        return read(c -> MessageStore.queryPlannedForItsParameters(c, "SELECT " + MessageStore.COLUMNS + " FROM messages WHERE room_id = ? AND "
                + MATCHES + " AND seq < ? ORDER BY seq DESC LIMIT ?", roomId, q, before, limit));
    }

    private static List<ChatMessage> read(Sql.Work<List<ChatMessage>> work) {
        try {
            return Sql.inTransaction(work);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot search messages", e);
        }
    }

    /**
     * Where a page across rooms starts: before a time, or, exactly, before the message
     * ({@code roomId}, {@code seq}) sent at that time (messages sent in one millisecond share it).
     */
    public record Before(Instant sentAt, String roomId, Long seq) {
    }

    /**
     * The most matches in all rooms, as the planner estimates them, for which a search across
     * rooms reads them all from the index and sorts them: past about this many in a million
     * messages, reading the caller's messages backwards by time finds a page sooner.
     */
    static final long SORTED_MATCHES = 5000;

    private static final Pattern ESTIMATED_ROWS = Pattern.compile(" rows=(\\d+) ");

    /**
     * Up to {@code limit} messages matching {@code q} in the user's rooms, from {@code before} on,
     * newest first: by time, then room and seq (both descending) for messages sent in the same
     * millisecond.
     *
     * <p>The plan is chosen here, by the planner's estimate of the query's matches (accurate with
     * the index expression's statistics, and a fraction of a millisecond to get): at most
     * {@link #SORTED_MATCHES}, every match of the caller's rooms is read from the GIN index and
     * sorted; more, and the caller's messages are read backwards by time, a page at once. Left to
     * itself, the planner read backwards by time for two common words that are seldom together
     * (seconds: it prices computing a message's words far below their cost). The backward read
     * matches with {@code ts_match_vq}, the function behind {@code @@}, which no index serves, and
     * the sorted one reads a materialized set, which no index on time can order: each statement
     * has one plan.
     */
    public List<ChatMessage> acrossRooms(long userId, String q, Before before, int limit) {
        OffsetDateTime time = OffsetDateTime.ofInstant(before.sentAt(), ZoneOffset.UTC);
        boolean exact = before.roomId() != null;
        String caller = "room_id IN (" + CALLERS_ROOMS + ") AND " + (exact ? "(sent_at, room_id, seq) < (?, ?, ?)" : "sent_at < ?");
        String order = " ORDER BY sent_at DESC, room_id DESC, seq DESC LIMIT ?";
        String sorted = "WITH hits AS MATERIALIZED (SELECT " + MessageStore.COLUMNS + " FROM messages WHERE " + caller + " AND " + MATCHES
                + ") SELECT * FROM hits" + order;
        String backwards = "SELECT " + MessageStore.COLUMNS + " FROM messages WHERE " + caller + " AND kind = 'message' AND NOT deleted"
                + " AND ts_match_vq(to_tsvector('simple', content), websearch_to_tsquery('simple', ?))" + order;
        Object[] parameters = exact ? new Object[] {userId, time, before.roomId(), before.seq(), q, limit} : new Object[] {userId, time, q, limit};
        return read(c -> MessageStore.queryPlannedForItsParameters(c, estimatedMatches(c, q) <= SORTED_MATCHES ? sorted : backwards,
                parameters));
    }

    /** How many messages in all rooms match {@code q}, as the planner estimates it. */
    private static long estimatedMatches(Connection c, String q) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT 1 FROM messages WHERE " + MATCHES)) {
            ps.setString(1, q);
            try (ResultSet rs = ps.executeQuery()) {
                Matcher rows = ESTIMATED_ROWS.matcher(rs.next() ? rs.getString(1) : "");
                return rows.find() ? Long.parseLong(rows.group(1)) : Long.MAX_VALUE;
            }
        }
    }
}
