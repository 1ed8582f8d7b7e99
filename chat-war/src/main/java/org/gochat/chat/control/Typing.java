package org.gochat.chat.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.metrics.Counter;
import org.gochat.chat.entity.ChatTyping;
import org.gochat.db.Bus;
import org.gochat.db.Database;

/**
 * Typing indicators: a member's {@code {"type":"typing"}} becomes a {@code typing} frame for the
 * room's other members on every node, through the bus (never stored, no seq), at most one per user
 * per room every {@value #EVERY_SECONDS} seconds; the rest are dropped silently.
 * <p>
 * The throttle: each node remembers when it last heard of a user typing in a room, from its own
 * connections and from the bus (every node hears every indicator). So on one node it is exact,
 * whatever the user's number of connections there; across nodes a second indicator is refused
 * once the first one's notification has arrived, which leaves only indicators sent on two nodes
 * within the bus's delay (milliseconds) to both pass.
 */
final class Typing {

    static final String CHANNEL = "gochat_typing";
    static final int EVERY_SECONDS = 3;
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(EVERY_SECONDS);
    private static final Logger LOG = Logger.getLogger(Typing.class.getName());

    /** An indicator heard on the bus: the typist's room and id, and the frame for the others. */
    record Heard(String roomId, long userId, String frame) {

        static Heard parse(String payload) {
            int space = payload.indexOf(' ');
            int newline = payload.indexOf('\n');
            return new Heard(payload.substring(0, space), Long.parseLong(payload.substring(space + 1, newline)),
                    payload.substring(newline + 1));
        }

        String payload() {
            return roomId + ' ' + userId + '\n' + frame;
        }
    }

    private final Executor executor;
    private final Counter forwarded;
    /** "roomId userId" to the System.nanoTime() of the latest indicator forwarded or heard. */
    private final Map<String, Long> latest = new ConcurrentHashMap<>();

    Typing(Executor executor, Counter forwarded) {
        this.executor = executor;
        this.forwarded = forwarded;
    }

    /** A member typed: announced on the bus unless this user's latest indicator in the room is too recent. */
    void typed(Member m) {
        long now = System.nanoTime();
        String key = m.roomId() + ' ' + m.caller().id();
        boolean[] allowed = new boolean[1];
        latest.compute(key, (k, last) -> {
            allowed[0] = last == null || now - last >= EVERY_NANOS;
            return allowed[0] ? now : last;
        });
        if (!allowed[0]) {
            return;
        }
        String frame = Frames.encode(new ChatTyping(m.roomId(), m.caller().id(), m.caller().username()));
        String payload = new Heard(m.roomId(), m.caller().id(), frame).payload();
        try {
            executor.execute(() -> publish(payload));
            forwarded.inc();
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "typing indicator not sent: the server is stopping", e);
        }
    }

    private static void publish(String payload) {
        try (Connection c = Database.dataSource().getConnection()) {
            c.setAutoCommit(true);
            Bus.publish(c, CHANNEL, payload);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "typing indicator not sent", e); // ephemeral: nobody waits for it
        }
    }

    /** An indicator from the bus (any node's, this one's too): remembered for the throttle. */
    Heard heard(String payload) {
        Heard h = Heard.parse(payload);
        long now = System.nanoTime();
        latest.merge(h.roomId() + ' ' + h.userId(), now, Math::max);
        return h;
    }

    /** Forgets indicators older than the throttle's window. */
    void sweep() {
        long now = System.nanoTime();
        latest.values().removeIf(last -> now - last >= EVERY_NANOS);
    }
}
