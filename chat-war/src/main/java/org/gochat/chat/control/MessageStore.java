package org.gochat.chat.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Counter;
import org.gochat.chat.entity.ChatError;
import org.gochat.chat.entity.ChatMessage;
import org.gochat.db.Database;

/**
 * The messages table. Writes are batched: the messages a room receives while its previous batch is
 * being stored go together in the next one, in one statement that takes their seqs, inserts them and
 * announces them with NOTIFY (see {@link #storeBatch}). Nobody receives a message before it is
 * committed: delivery starts from the notification.
 */
@ApplicationScoped
public class MessageStore {

    /**
     * A message accepted from a connection, waiting for its batch: its room, its author, what it says,
     * and where the error event goes when it cannot be stored ({@code refused} takes the frame).
     */
    public record Draft(String roomId, long userId, String username, String content, String clientMsgId,
            OffsetDateTime sentAt, Consumer<String> refused) {

        /** Its frame's tail (everything after the seq, which storing gives), written once. */
        String tail() {
            return Frames.messageTail(userId, username, content, sentAt.toInstant(), clientMsgId);
        }
    }

    private static final Logger LOG = Logger.getLogger(MessageStore.class.getName());
    private static final int MAX_BATCH = 500;
    private static final int MAX_WAITING_PER_ROOM = 20_000;
    /** The statement of {@link #storeBatch}; the notice's payload is {@link Notice}'s to write. */
    private static final String STORE_BATCH = """
            WITH room AS (
                UPDATE rooms SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq - ? + 1 AS first),
            stored AS (
                INSERT INTO messages (room_id, seq, user_id, username, content, client_msg_id, sent_at)
                SELECT ?, room.first + m.i - 1, m.user_id, m.username, m.content, m.client_msg_id, m.sent_at
                  FROM room, unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[]::timestamptz[])
                       WITH ORDINALITY AS m (user_id, username, content, client_msg_id, sent_at, i))
            SELECT pg_notify(?, %s) FROM room""".formatted(Notice.payloadSql("room.first"));

    @Resource(lookup = "concurrent/chat")
    ManagedExecutorService executor;

    @Inject
    ChatMetrics metrics;

    private Counter stored;
    private final Map<String, Drain<Draft>> waiting = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        stored = metrics.stored();
    }

    /** Queues a message for its room's next batch; {@code FULL} when the database cannot keep up. */
    public Drain.Offer submit(Draft draft) {
        return waiting.computeIfAbsent(draft.roomId(),
                room -> new Drain<>(executor, MAX_WAITING_PER_ROOM, batch -> store(room, batch))).offer(draft);
    }

    /** Waits until every accepted message is stored; false when the deadline (a nanoTime) passed first. */
    boolean awaitStored(long deadline) throws InterruptedException {
        for (Drain<Draft> room : waiting.values()) {
            if (!room.awaitIdle(deadline)) {
                return false;
            }
        }
        return true;
    }

    private void store(String roomId, List<Draft> drafts) {
        List<String> tails = drafts.stream().map(Draft::tail).toList();
        int from = 0;
        while (from < drafts.size()) {
            // A batch ends where its frames' tails would no longer fit in one notification.
            int bodyBytes = Notice.bodyBytes(tails.get(from));
            int to = from + 1;
            while (to < drafts.size() && to - from < MAX_BATCH) {
                int bytes = Notice.bodyBytes(tails.get(to));
                if (!Notice.fits(bodyBytes + bytes)) {
                    break;
                }
                bodyBytes += bytes;
                to++;
            }
            store(roomId, drafts.subList(from, to), tails.subList(from, to), bodyBytes);
            from = to;
        }
    }

    /**
     * Stores one batch. When the database refuses its data, one message's (a character PostgreSQL
     * does not take, say) fails the whole statement: then each message is stored alone, so that no
     * message fails because of another sender's.
     */
    private void store(String roomId, List<Draft> batch, List<String> tails, int bodyBytes) {
        // One tail too large for any notification: receivers read that message from the table.
        String body = Notice.fits(bodyBytes) ? Notice.body(tails) : "";
        try {
            storeBatch(roomId, batch, body);
            stored.inc(batch.size());
        } catch (SQLException | RuntimeException e) {
            boolean dataError = e instanceof SQLException sql && isDataError(sql);
            if (dataError && batch.size() > 1) {
                for (int i = 0; i < batch.size(); i++) {
                    store(roomId, batch.subList(i, i + 1), tails.subList(i, i + 1), Notice.bodyBytes(tails.get(i)));
                }
                return;
            }
            // Never a silent drop: each sender hears that this message was not stored, and stays connected.
            ChatError error;
            if (dataError) {
                LOG.warning("The database refused a message of room " + roomId + ": " + e.getMessage().lines().findFirst().orElse(""));
                error = new ChatError(ChatError.INVALID, "The message could not be stored as it is.");
            } else {
                LOG.log(Level.WARNING, "Could not store " + batch.size() + " messages of room " + roomId, e);
                error = new ChatError(ChatError.UNAVAILABLE, "The message could not be stored; send it again.");
            }
            String frame = Frames.encode(error);
            batch.forEach(d -> d.refused().accept(frame));
        }
    }

    /** A data exception (class 22) or an integrity violation (class 23): the statement's data, not the database, failed. */
    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /**
     * Stores a batch in one statement, so one round trip: it advances the room's last_seq by the
     * batch size (the row lock orders concurrent writers, on any node), inserts the rows with the
     * seqs so taken, and queues the notice, which PostgreSQL sends when the statement commits.
     */
    private static void storeBatch(String roomId, List<Draft> batch, String noticeBody) throws SQLException {
        int n = batch.size();
        Long[] userIds = new Long[n];
        String[] usernames = new String[n];
        String[] contents = new String[n];
        String[] clientMsgIds = new String[n];
        String[] sentAts = new String[n];
        for (int i = 0; i < n; i++) {
            Draft d = batch.get(i);
            userIds[i] = d.userId();
            usernames[i] = d.username();
            contents[i] = d.content();
            clientMsgIds[i] = d.clientMsgId();
            sentAts[i] = d.sentAt().toString();
        }
        try (Connection c = Database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(STORE_BATCH)) {
            c.setAutoCommit(true);
            ps.setInt(1, n);
            ps.setString(2, roomId);
            ps.setInt(3, n);
            ps.setString(4, roomId);
            ps.setArray(5, c.createArrayOf("bigint", userIds));
            ps.setArray(6, c.createArrayOf("text", usernames));
            ps.setArray(7, c.createArrayOf("text", contents));
            ps.setArray(8, c.createArrayOf("text", clientMsgIds));
            ps.setArray(9, c.createArrayOf("text", sentAts));
            ps.setString(10, Notice.CHANNEL);
            ps.setString(11, roomId);
            ps.setInt(12, n);
            ps.setString(13, noticeBody);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("room " + roomId + " no longer exists");
                }
            }
        }
    }

    /** The seq of the room's newest stored message (0 when none), or -1 when there is no such room. */
    public long lastSeq(String roomId) {
        try (Connection c = Database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM rooms WHERE id = ?")) {
            ps.setString(1, roomId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read room " + roomId, e);
        }
    }

    /** Up to {@code limit} messages with {@code after < seq <= upTo}, ascending. */
    public List<ChatMessage> after(String roomId, long after, long upTo, int limit) {
        return query(roomId, """
                SELECT seq, user_id, username, content, sent_at, client_msg_id FROM messages
                 WHERE room_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?""", ps -> {
            ps.setLong(2, after);
            ps.setLong(3, upTo);
            ps.setInt(4, limit);
        });
    }

    /** The newest {@code limit} messages with {@code seq < before}, ascending. */
    public List<ChatMessage> before(String roomId, long before, int limit) {
        return query(roomId, """
                SELECT * FROM (SELECT seq, user_id, username, content, sent_at, client_msg_id FROM messages
                                WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?) newest
                 ORDER BY seq""", ps -> {
            ps.setLong(2, before);
            ps.setInt(3, limit);
        });
    }

    private interface Parameters {
        void set(PreparedStatement ps) throws SQLException;
    }

    private static List<ChatMessage> query(String roomId, String sql, Parameters parameters) {
        try (Connection c = Database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, roomId);
            parameters.set(ps);
            List<ChatMessage> messages = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    messages.add(new ChatMessage(roomId, rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6)));
                }
            }
            return messages;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the messages of room " + roomId, e);
        }
    }

    /** The time a message is taken as sent: now, in UTC, to the millisecond (as stored and as delivered). */
    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }
}
