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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.gochat.chat.entity.ChatError;
import org.gochat.chat.entity.ChatMessage;
import org.gochat.db.Database;
import org.gochat.web.Caller;
import org.gochat.web.ProblemException;

/**
 * The messages table: a room's stream of stored events (messages, edits, deletes), one gapless seq
 * for all. A room's writes go through one queue per room on this node, in order. Messages are
 * batched: those a room receives while its previous batch is being stored go together in the next
 * one, in one statement that takes their seqs, inserts them and announces them with NOTIFY (see
 * {@link #storeBatch}). An edit or a delete (a {@link Change}, from a route) is stored alone, in one
 * transaction that checks it against the message it changes (see {@link #storeChange}). Either way
 * the room row's lock orders writers on every node, so seqs are committed, and announced, in order.
 * Nobody receives an event before it is committed: delivery starts from the notification (on this
 * node, for messages, from the storing thread as soon as the commit is done, see {@link #committed}).
 */
@ApplicationScoped
public class MessageStore {

    /**
     * A message accepted from a connection, waiting for its batch: its room, its author, what it says,
     * and where the error event goes when it cannot be stored ({@code refused} takes the frame).
     */
    public record Draft(String roomId, long userId, String username, String content, String clientMsgId,
            OffsetDateTime sentAt, Consumer<String> refused) implements Entry {

        /** Its frame's tail (everything after the seq, which storing gives), written once. */
        String tail() {
            return Frames.messageTail(userId, username, content, sentAt.toInstant(), clientMsgId);
        }
    }

    /** What a room's queue holds, stored in the order queued. */
    sealed interface Entry permits Draft, Change {
    }

    /**
     * An edit ({@code content} the new text) or a delete ({@code content} null) of message
     * {@code targetSeq} by a user, and its outcome: the message in its new state, or a
     * {@link ProblemException} saying why not. A change whose requester stopped waiting before it
     * started is not stored at all ({@link #abandon}).
     */
    record Change(String roomId, long targetSeq, long userId, String username, String content,
            OffsetDateTime sentAt, CompletableFuture<ChatMessage> outcome, AtomicBoolean started) implements Entry {

        Change(String roomId, long targetSeq, Caller by, String content) {
            this(roomId, targetSeq, by.id(), by.username(), content, now(), new CompletableFuture<>(), new AtomicBoolean());
        }

        boolean isEdit() {
            return content != null;
        }

        /** True when this call started it; false when it had been abandoned. */
        boolean start() {
            return started.compareAndSet(false, true);
        }

        /** True when it will never be stored; false when it has started already. */
        boolean abandon() {
            return started.compareAndSet(false, true);
        }
    }

    private static final Logger LOG = Logger.getLogger(MessageStore.class.getName());
    /** How long a route waits for its change to be stored (it waits behind the room's queue). */
    private static final long CHANGE_WAIT_SECONDS = 10;
    /** The columns {@link #row} reads, in its order. */
    static final String COLUMNS = "room_id, seq, kind, target_seq, user_id, username, content, sent_at, "
            + "client_msg_id, edited_at, deleted";
    /** The statement of {@link #storeChange} that stores the event: the room's next seq, the row, the notice. */
    private static final String STORE_EVENT = """
            WITH room AS (
                UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq AS seq),
            stored AS (
                INSERT INTO messages (room_id, seq, kind, target_seq, user_id, username, content, sent_at)
                SELECT ?, room.seq, ?, ?, ?, ?, ?, ? FROM room)
            SELECT room.seq, pg_notify(?, %s) FROM room""".formatted(Notice.payloadSql("room.seq"));
    private static final int MAX_BATCH = 500;
    private static final int MAX_WAITING_PER_LANE = 50_000;
    /**
     * The statement of {@link #storeGroup}, run after the rooms' rows are locked (see
     * {@link Memberships}: it then sees every membership change committed before it). For one segment
     * of each of several rooms, it takes the drafts whose author is a member of their room, gives them
     * their room's next seqs and next message numbers, inserts them, moves each author's read marker
     * past their own messages, and queues each room's notice (with the frames' tails only when every
     * draft of the room was taken: the tails were written for all of them).
     * <p>
     * The one place that counts messages: {@code rooms.message_count} and {@code messages.message_no}
     * advance here, for {@code message} events only. Other events of a room's stream (edits, deletes)
     * take a seq (advance {@code last_seq}) but never a message number and never change
     * {@code message_count}, so unread counts ({@code message_count - read_count}) count messages only.
     */
    private static final String STORE_GROUP = """
            WITH drafts AS (
                SELECT d.*, row_number() OVER (PARTITION BY d.room_id ORDER BY d.i) AS k
                  FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[]::timestamptz[])
                       WITH ORDINALITY AS d (room_id, user_id, username, content, client_msg_id, sent_at, i)
                 WHERE EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = d.room_id AND rm.user_id = d.user_id)),
            counted AS (SELECT room_id, count(*) AS n, max(sent_at) AS latest FROM drafts GROUP BY room_id),
            room AS (
                UPDATE rooms r SET last_seq = r.last_seq + counted.n, message_count = r.message_count + counted.n,
                       last_message_at = greatest(r.last_message_at, counted.latest)
                  FROM counted WHERE r.id = counted.room_id
                RETURNING r.id, r.last_seq - counted.n + 1 AS first, r.message_count - counted.n + 1 AS first_no, counted.n),
            stored AS (
                INSERT INTO messages (room_id, seq, message_no, user_id, username, content, client_msg_id, sent_at)
                SELECT d.room_id, room.first + d.k - 1, room.first_no + d.k - 1, d.user_id, d.username, d.content,
                       d.client_msg_id, d.sent_at
                  FROM drafts d JOIN room ON room.id = d.room_id
                RETURNING room_id, user_id, seq, message_no),
            marked AS (
                UPDATE room_members rm SET read_seq = greatest(rm.read_seq, own.seq), read_count = greatest(rm.read_count, own.no)
                  FROM (SELECT room_id, user_id, max(seq) AS seq, max(message_no) AS no FROM stored GROUP BY room_id, user_id) own
                 WHERE rm.room_id = own.room_id AND rm.user_id = own.user_id),
            segments AS (
                SELECT * FROM unnest(?::text[], ?::int[], ?::text[]) AS s (room_id, n, body))
            SELECT room.id, room.first, room.n, room.n = s.n AS whole, pg_notify(?, %s)
              FROM room JOIN segments s ON s.room_id = room.id""".formatted(
            Notice.payloadSql("room.id", "room.first", "room.n", "CASE WHEN room.n = s.n THEN s.body ELSE '' END"));

    @Resource(lookup = "concurrent/chat")
    ManagedExecutorService executor;

    /**
     * The dataSource, unshared, for {@link #after}: members' replays read on the send pool's threads,
     * which live as long as the server, and on such a thread a shared connection stays with the
     * thread's one local transaction, never goes back to the pool and is never validated again: after
     * a database restart every replay on that thread failed on the dead connection. An unshared one
     * goes back to the pool when it is closed, and the pool validates it before the next use.
     */
    @Resource(lookup = Database.JNDI_NAME, shareable = false)
    DataSource unshared;

    @Inject
    ChatMetrics metrics;

    /**
     * Storing lanes: each room's entries go through one lane, in order, and a lane stores the messages
     * of all its rooms that arrived meanwhile in one transaction (see {@link #storeGroup}).
     */
    @Inject
    @ConfigProperty(name = "GOCHAT_STORE_LANES", defaultValue = "4")
    int laneCount;

    /**
     * Told of each room's stored messages on the storing thread once their transaction has committed:
     * this node's members need not wait for the notification to come back from PostgreSQL (which still
     * tells the other nodes, and this one again; receivers go by seq, so a second notice is dropped).
     */
    private volatile Consumer<Notice> committed = notice -> {
    };
    private Counter stored;
    private Counter edited;
    private Counter deleted;
    private List<Drain<Entry>> lanes;
    private List<LaneConnection> laneConnections;

    @PostConstruct
    void init() {
        stored = metrics.stored();
        edited = metrics.edited();
        deleted = metrics.deleted();
        if (laneCount < 1) {
            throw new IllegalStateException("GOCHAT_STORE_LANES must be at least 1, not " + laneCount);
        }
        List<LaneConnection> connections = new ArrayList<>();
        List<Drain<Entry>> drains = new ArrayList<>();
        for (int i = 0; i < laneCount; i++) {
            LaneConnection connection = new LaneConnection();
            connections.add(connection);
            drains.add(new Drain<>(executor, MAX_WAITING_PER_LANE, entries -> store(entries, connection)));
        }
        laneConnections = List.copyOf(connections);
        lanes = List.copyOf(drains);
    }

    /** Sets who is told of stored messages as soon as they are committed (see {@link #committed}). */
    void onCommitted(Consumer<Notice> listener) {
        committed = listener;
    }

    /** Queues a message for its room's next batch; {@code FULL} when the database cannot keep up. */
    public Drain.Offer submit(Draft draft) {
        return queue(draft.roomId()).offer(draft);
    }

    private Drain<Entry> queue(String roomId) {
        return lanes.get(Math.floorMod(roomId.hashCode(), lanes.size()));
    }

    /**
     * Edits message {@code seq} of the room: stored as an {@code edit} event with the room's next seq,
     * in the same transaction as the message's new state, which it returns. 404 when there is no such
     * message, 403 when the caller is not its author, 409 when it was deleted.
     */
    public ChatMessage edit(String roomId, long seq, Caller caller, String content) {
        return change(new Change(roomId, seq, caller, content));
    }

    /**
     * Deletes message {@code seq} of the room: stored as a {@code delete} event with the room's next
     * seq, in the same transaction that removes its text (and its edits' text). 404 when there is no
     * such message, 403 when the caller may not ({@link #mayDeleteOthers}); a message deleted already
     * stays as it is, and no event is stored.
     */
    public void delete(String roomId, long seq, Caller caller) {
        change(new Change(roomId, seq, caller, null));
    }

    private ChatMessage change(Change change) {
        if (queue(change.roomId()).offer(change) != Drain.Offer.QUEUED) {
            throw ProblemException.unavailable("The room is too busy; try again shortly.", 1);
        }
        try {
            try {
                return change.outcome().get(CHANGE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (change.abandon()) {
                    throw ProblemException.unavailable("The change could not be stored in time; nothing was changed.", 1);
                }
                return change.outcome().get(); // under way: its transaction ends soon, either way
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProblemException problem) {
                throw problem;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("The server is stopping.", 1);
        }
    }

    /** Waits until every accepted message and change is stored; false when the deadline (a nanoTime) passed first. */
    boolean awaitStored(long deadline) throws InterruptedException {
        for (Drain<Entry> lane : lanes) {
            if (!lane.awaitIdle(deadline)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stores a lane's queued entries in order: the messages queued between two changes together
     * (see {@link #storeGroup}), each change alone, after the messages queued before it.
     */
    private void store(List<Entry> entries, LaneConnection connection) {
        Map<String, List<Draft>> drafts = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (entry instanceof Draft draft) {
                drafts.computeIfAbsent(draft.roomId(), room -> new ArrayList<>()).add(draft);
            } else if (entry instanceof Change change) {
                storeGroup(drafts, connection);
                drafts = new LinkedHashMap<>();
                storeChange(change);
            }
        }
        storeGroup(drafts, connection);
    }

    /**
     * A storing lane's own connection to PostgreSQL, outside the dataSource's pool: a round takes no
     * checkout from the pool, and so no checkout's validation, a round trip of its own before every
     * transaction. This connection is checked only when it has not been used for a second (a database
     * restart takes longer, so a restarted database is noticed before a round is sent to the old one),
     * and dropped after any failure that is not the data's; the next round connects again. Used by its
     * lane's one drain at a time; {@link MessageStore#close} closes it at the end.
     */
    static final class LaneConnection {
        private static final long CHECK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
        private Connection connection;
        private long lastUsed;

        synchronized Connection get() throws SQLException {
            long now = System.nanoTime();
            if (connection != null && now - lastUsed > CHECK_AFTER_NANOS && !connection.isValid(2)) {
                drop();
            }
            if (connection == null) {
                connection = Database.connectOutsidePool("gochat-store");
            }
            lastUsed = now;
            return connection;
        }

        synchronized void drop() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.log(Level.FINE, "a storing connection did not close cleanly", e);
                }
                connection = null;
            }
        }
    }

    /** Closes the lanes' connections (the hub has stored what it accepted before this). */
    @PreDestroy
    void close() {
        laneConnections.forEach(LaneConnection::drop);
    }

    /** Drafts of one room that one notice announces: their frames' tails fit in one payload (or it carries none). */
    private record Segment(String roomId, List<Draft> drafts, List<String> tails, int bodyBytes) {

        /** The notice's body: the tails, or nothing when one tail is too large for any notification. */
        String body() {
            return Notice.fits(bodyBytes) ? Notice.body(tails) : "";
        }

        Segment one(int i) {
            return new Segment(roomId, drafts.subList(i, i + 1), tails.subList(i, i + 1), Notice.bodyBytes(tails.get(i)));
        }
    }

    /** A room's drafts cut where their frames' tails would no longer fit in one notification. */
    private static List<Segment> segments(String roomId, List<Draft> drafts) {
        List<String> tails = drafts.stream().map(Draft::tail).toList();
        List<Segment> segments = new ArrayList<>();
        int from = 0;
        while (from < drafts.size()) {
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
            segments.add(new Segment(roomId, drafts.subList(from, to), tails.subList(from, to), bodyBytes));
            from = to;
        }
        return segments;
    }

    /**
     * Group commit: the messages of several rooms in one transaction, so that they share one commit
     * (one WAL flush with synchronous_commit on, and one turn at the cluster-wide lock PostgreSQL
     * holds from a notifying transaction's commit until its flush is done) instead of one each.
     * Every guarantee of a room's batch holds for each room in it: the room's row is locked first,
     * its drafts take its next seqs, its notice is sent when the transaction commits. A transaction
     * takes one segment of each room (a round): a room with more than one notice's worth goes on in
     * the next, so that a backlog is committed, and delivered, a round at a time.
     */
    private void storeGroup(Map<String, List<Draft>> byRoom, LaneConnection connection) {
        List<List<Segment>> rounds = new ArrayList<>();
        byRoom.forEach((roomId, drafts) -> {
            List<Segment> segments = segments(roomId, drafts);
            for (int i = 0; i < segments.size(); i++) {
                if (rounds.size() == i) {
                    rounds.add(new ArrayList<>());
                }
                rounds.get(i).add(segments.get(i));
            }
        });
        rounds.forEach(round -> storeOrRefuse(round, connection));
    }

    /**
     * Stores a round. When the database refuses its data, one message's fails the whole transaction:
     * then each room's segment is stored alone, and each message of a refused segment alone, so that
     * no message fails because of another sender's.
     */
    private void storeOrRefuse(List<Segment> round, LaneConnection connection) {
        try {
            try {
                storeRound(round, connection);
            } catch (SQLException e) {
                if (!endedBeforeTheRound(e)) {
                    throw e;
                }
                LOG.info("A storing connection had been ended by the database; storing its round on a new one");
                connection.drop();
                storeRound(round, connection);
            }
            stored.inc(round.stream().mapToInt(segment -> segment.drafts().size()).sum());
        } catch (SQLException | RuntimeException e) {
            if (isDataError(e) && round.size() > 1) {
                round.forEach(segment -> storeOrRefuse(List.of(segment), connection));
            } else if (isDataError(e) && round.get(0).drafts().size() > 1) {
                Segment segment = round.get(0);
                for (int i = 0; i < segment.drafts().size(); i++) {
                    storeOrRefuse(List.of(segment.one(i)), connection);
                }
            } else {
                if (!isDataError(e)) {
                    connection.drop(); // whatever failed, the next round starts on a new connection
                }
                refuse(round, e);
            }
        }
    }

    /** Never a silent drop: each sender hears that this message was not stored, and stays connected. */
    private static void refuse(List<Segment> round, Exception e) {
        List<Draft> drafts = round.stream().flatMap(segment -> segment.drafts().stream()).toList();
        String rooms = round.stream().map(Segment::roomId).collect(Collectors.joining(", "));
        ChatError error;
        if (isDataError(e)) {
            LOG.warning("The database refused a message of room " + rooms + ": " + e.getMessage().lines().findFirst().orElse(""));
            error = new ChatError(ChatError.INVALID, "The message could not be stored as it is.");
        } else {
            LOG.log(Level.WARNING, "Could not store " + drafts.size() + " messages of rooms " + rooms, e);
            error = new ChatError(ChatError.UNAVAILABLE, "The message could not be stored; send it again.");
        }
        String frame = Frames.encode(error);
        drafts.forEach(d -> d.refused().accept(frame));
    }

    /**
     * The database had ended the connection (a restart, an operator ending the backend: 57P01), or the
     * driver had closed it (08003), so the round did not run. PostgreSQL ends a backend only where it
     * checks for interrupts, never inside a commit, and a commit's answer reaches the driver before
     * such an ending does: a round that committed never fails with this error. A connection lost
     * without an answer (08006) is not among these: its round may have committed.
     */
    private static boolean endedBeforeTheRound(SQLException e) {
        return "57P01".equals(e.getSQLState()) || "08003".equals(e.getSQLState());
    }

    /**
     * A data exception (class 22) or an integrity violation (class 23): the statement's data, not the
     * database, failed. Such an error comes from a statement, never from the commit, so nothing was stored.
     */
    private static boolean isDataError(Exception e) {
        String state = e instanceof SQLException sql ? sql.getSQLState() : null;
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /**
     * Stores a round in one transaction and one round trip: it locks the rooms' rows (so each room's
     * batch takes its turn with membership changes and with the room's other writers, on any node;
     * in the order of their ids, so that two such transactions never wait for each other), then runs
     * {@link #STORE_GROUP}. The two statements go in one execution, which PostgreSQL runs as one
     * transaction (an implicit one, up to the protocol's Sync), each statement with its own snapshot.
     * Drafts whose author is no longer a member (removed, banned, or the room deleted) are dropped
     * without an answer: their connections are being closed with 4403 or 4404, and they receive
     * nothing after that change's commit. It runs on the lane's own connection ({@link LaneConnection}).
     */
    private void storeRound(List<Segment> round, LaneConnection connection) throws SQLException {
        List<Notice> notices = new ArrayList<>(round.size());
        Connection c = connection.get();
        try (PreparedStatement ps = c.prepareStatement(Memberships.LOCK_ROOMS + ";\n" + STORE_GROUP)) {
            ps.setArray(1, c.createArrayOf("text", round.stream().map(Segment::roomId).toArray()));
            bindRound(c, ps, 2, round);
            ps.execute(); // returns once the transaction has committed (the driver reads up to its end)
            ps.getMoreResults(); // STORE_GROUP's rows, after LOCK_ROOMS'
            try (ResultSet rs = ps.getResultSet()) {
                Map<String, Segment> byRoom = round.stream().collect(Collectors.toMap(Segment::roomId, s -> s));
                while (rs.next()) {
                    long first = rs.getLong(2);
                    List<String> tails = rs.getBoolean(4) ? byRoom.get(rs.getString(1)).tails() : null;
                    notices.add(new Notice(rs.getString(1), first, first + rs.getInt(3) - 1, tails));
                }
            }
        }
        notices.forEach(committed);
    }

    /** Binds {@link #STORE_GROUP}'s parameters for one round, from parameter {@code first} on. */
    private static void bindRound(Connection c, PreparedStatement ps, int first, List<Segment> round) throws SQLException {
        int n = round.stream().mapToInt(s -> s.drafts().size()).sum();
        String[] roomIds = new String[n];
        Long[] userIds = new Long[n];
        String[] usernames = new String[n];
        String[] contents = new String[n];
        String[] clientMsgIds = new String[n];
        String[] sentAts = new String[n];
        String[] segmentRooms = new String[round.size()];
        Integer[] segmentSizes = new Integer[round.size()];
        String[] bodies = new String[round.size()];
        int i = 0;
        for (int j = 0; j < round.size(); j++) {
            Segment segment = round.get(j);
            segmentRooms[j] = segment.roomId();
            segmentSizes[j] = segment.drafts().size();
            bodies[j] = segment.body();
            for (Draft d : segment.drafts()) {
                roomIds[i] = d.roomId();
                userIds[i] = d.userId();
                usernames[i] = d.username();
                contents[i] = d.content();
                clientMsgIds[i] = d.clientMsgId();
                sentAts[i] = d.sentAt().toString();
                i++;
            }
        }
        int p = first;
        ps.setArray(p++, c.createArrayOf("text", roomIds));
        ps.setArray(p++, c.createArrayOf("bigint", userIds));
        ps.setArray(p++, c.createArrayOf("text", usernames));
        ps.setArray(p++, c.createArrayOf("text", contents));
        ps.setArray(p++, c.createArrayOf("text", clientMsgIds));
        ps.setArray(p++, c.createArrayOf("text", sentAts));
        ps.setArray(p++, c.createArrayOf("text", segmentRooms));
        ps.setArray(p++, c.createArrayOf("integer", segmentSizes));
        ps.setArray(p++, c.createArrayOf("text", bodies));
        ps.setString(p, Notice.CHANNEL);
    }

    /**
     * Stores one change in one transaction: the message it changes is locked first (so an edit and a
     * delete of one message, from any node, take turns, and the second sees the first's outcome),
     * then checked, then the event takes the room's next seq (the room row's lock, as for messages)
     * and the message gets its new state. Refusals roll back and store nothing.
     */
    private void storeChange(Change change) {
        if (!change.start()) {
            return; // its requester gave up waiting and was told nothing changed
        }
        try {
            ChatMessage result = Sql.inTransaction(c -> change(c, change));
            change.outcome().complete(result);
        } catch (ProblemException e) {
            change.outcome().completeExceptionally(e);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not store a change of message " + change.targetSeq() + " of room " + change.roomId(), e);
            change.outcome().completeExceptionally(
                    ProblemException.unavailable("The change could not be stored; nothing was changed.", 1));
        }
    }

    private ChatMessage change(Connection c, Change change) throws SQLException {
        ChatMessage target = one(c, "SELECT " + COLUMNS + " FROM messages WHERE room_id = ? AND seq = ? FOR UPDATE",
                change.roomId(), change.targetSeq());
        if (target == null || !ChatMessage.MESSAGE.equals(target.type())) {
            throw ProblemException.notFound("Room " + change.roomId() + " has no message " + change.targetSeq() + ".");
        }
        boolean own = target.userId() == change.userId();
        boolean wasDeleted = Boolean.TRUE.equals(target.deleted());
        if (change.isEdit()) {
            if (!own) {
                throw ProblemException.forbidden("Only its author may edit a message.");
            }
            if (wasDeleted) {
                throw ProblemException.conflict("The message was deleted.");
            }
        } else {
            if (!own && !mayDeleteOthers(c, change.roomId(), change.userId())) {
                throw ProblemException.forbidden("Only its author, the room's moderators and its owner may delete a message.");
            }
            if (wasDeleted) {
                return target; // deleting twice changes nothing more
            }
        }
        storeEvent(c, change);
        if (change.isEdit()) {
            Sql.execute(c, "UPDATE messages SET content = ?, edited_at = ? WHERE room_id = ? AND seq = ?",
                    change.content(), change.sentAt(), change.roomId(), change.targetSeq());
            edited.inc();
            return new ChatMessage(target.type(), target.roomId(), target.seq(), null, target.userId(), target.username(),
                    change.content(), target.sentAt(), target.clientMsgId(), change.sentAt().toInstant(), null);
        }
        // The text goes, and with it the text of its edits (and so their entries in the search index).
        Sql.execute(c, """
                UPDATE messages SET content = NULL, deleted = true
                 WHERE room_id = ? AND (seq = ? OR (target_seq = ? AND kind = 'edit'))""",
                change.roomId(), change.targetSeq(), change.targetSeq());
        deleted.inc();
        return new ChatMessage(target.type(), target.roomId(), target.seq(), null, target.userId(), target.username(),
                null, target.sentAt(), target.clientMsgId(), target.editedAt(), true);
    }

    /**
     * Whether this user may delete the room's messages written by others: the room's owner and its
     * moderators ({@link Memberships#role}'s rule, read in this transaction).
     */
    private static boolean mayDeleteOthers(Connection c, String roomId, long userId) throws SQLException {
        return Memberships.access(c, roomId, userId).filter(Memberships.Access::moderates).isPresent();
    }

    private static void storeEvent(Connection c, Change change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STORE_EVENT)) {
            ps.setString(1, change.roomId());
            ps.setString(2, change.roomId());
            ps.setString(3, change.isEdit() ? ChatMessage.EDIT : ChatMessage.DELETE);
            ps.setLong(4, change.targetSeq());
            ps.setLong(5, change.userId());
            ps.setString(6, change.username());
            ps.setString(7, change.content());
            ps.setObject(8, change.sentAt());
            ps.setString(9, Notice.CHANNEL);
            ps.setString(10, change.roomId());
            ps.setInt(11, 1);
            ps.setString(12, ""); // no frame: receivers read the event from the table, by seq
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No room " + change.roomId() + ".");
                }
            }
        }
    }

    /** Up to {@code limit} events with {@code after < seq <= upTo}, ascending, messages in their current state. */
    public List<ChatMessage> after(String roomId, long after, long upTo, int limit) {
        try (Connection c = unshared.getConnection()) {
            return query(c, "SELECT " + COLUMNS + " FROM messages WHERE room_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                    roomId, after, upTo, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read messages", e);
        }
    }

    /**
     * The newest {@code limit} events with {@code seq < before}, ascending, messages in their current
     * state, read in {@code c}'s transaction (where the caller's right to read it was decided).
     */
    static List<ChatMessage> before(Connection c, String roomId, long before, int limit) throws SQLException {
        return query(c, "SELECT * FROM (SELECT " + COLUMNS + " FROM messages WHERE room_id = ? AND seq < ?"
                + " ORDER BY seq DESC LIMIT ?) newest ORDER BY seq", roomId, before, limit);
    }

    /**
     * The same, planned for these very parameters every time: a prepared statement run often
     * otherwise gets PostgreSQL's generic plan, one for any parameters, where the best plan depends
     * on them (search: a rare word reads its index, a common one reads the room backwards). For the
     * rest of the transaction {@code c} is in.
     */
    static List<ChatMessage> queryPlannedForItsParameters(Connection c, String sql, Object... parameters) throws SQLException {
        Sql.execute(c, "SET LOCAL plan_cache_mode = force_custom_plan");
        return query(c, sql, parameters);
    }

    private static List<ChatMessage> query(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, parameters); ResultSet rs = ps.executeQuery()) {
            List<ChatMessage> messages = new ArrayList<>();
            while (rs.next()) {
                messages.add(row(rs));
            }
            return messages;
        }
    }

    private static ChatMessage one(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, parameters); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? row(rs) : null;
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(i + 1, parameters[i]);
        }
        return ps;
    }

    /** One row of {@link #COLUMNS}. */
    private static ChatMessage row(ResultSet rs) throws SQLException {
        return row(rs, 1);
    }

    /** The columns of {@link #COLUMNS}, from column {@code first} of the row on. */
    static ChatMessage row(ResultSet rs, int first) throws SQLException {
        int o = first - 1;
        OffsetDateTime editedAt = rs.getObject(o + 10, OffsetDateTime.class);
        return new ChatMessage(rs.getString(o + 3), rs.getString(o + 1), rs.getLong(o + 2), rs.getObject(o + 4, Long.class),
                rs.getLong(o + 5), rs.getString(o + 6), rs.getString(o + 7), rs.getObject(o + 8, OffsetDateTime.class).toInstant(),
                rs.getString(o + 9), editedAt == null ? null : editedAt.toInstant(), rs.getBoolean(o + 11) ? Boolean.TRUE : null);
    }

    /** The time a message is taken as sent: now, in UTC, to the millisecond (as stored and as delivered). */
    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }
}
