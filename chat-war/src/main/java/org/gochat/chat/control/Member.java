package org.gochat.chat.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.eclipse.microprofile.metrics.Counter;
import org.gochat.chat.entity.ChatMessage;
import org.gochat.web.Caller;

/**
 * One WebSocket connection to a room, and its bounded outbound queue. Frames are queued by the
 * room's loop and sent by at most one task at a time, which sends everything queued with blocking
 * sends (one thread hand-off per burst, not per frame). A connection whose queue passes its bound,
 * or whose send has been blocked too long, is closed with 1013; nobody else waits for it.
 */
public final class Member {

    /** Per-connection limits, from configuration. */
    record Limits(int queueBound, int perSecond, int burst, long sendTimeoutNanos) {
    }

    /**
     * What every connection of this node uses: the threads that send, the table that replays read,
     * the limits, and the counters of messages delivered and of connections closed for being slow.
     */
    record Services(SendPool sendPool, MessageStore store, Limits limits, Counter delivered,
            Counter slowConsumersClosed) {
    }

    /** Close codes of the contract that the container has no constant for. */
    static final CloseCode SLOW_CONSUMER = CloseReason.CloseCodes.TRY_AGAIN_LATER; // 1013

    private static final Logger LOG = Logger.getLogger(Member.class.getName());
    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);
    private static final Object PING = new Object();
    private static final int REPLAY_PAGE = 500;
    private static final long CLOSE_WAITS_FOR_SEND_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final String SESSION_KEY = Member.class.getName();

    /** A frame that is not a message (join, leave, error): sent, but not counted as a delivery. */
    private record Event(String frame) {
    }

    /** Stored messages {@code after < seq <= upTo}, read page by page as they are sent. */
    private record Replay(long after, long upTo) {
    }

    private final Session session;
    private final Caller caller;
    private final String roomId;
    private final String key;
    /** The membership this connection was admitted under (see {@link Memberships.Admission}); 0 when unknown. */
    private final long memberSince;
    private final Services services;
    private final Drain<Object> outbound;
    private final TokenBucket rate;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The connection has closed and left the hub. */
    private volatile boolean left;
    /** System.nanoTime() when the send under way began; 0 when none is. */
    private volatile long sendingSince;
    /** System.nanoTime() when the close under way began (it waits for a blocked send, then for the client); 0 when none is. */
    private volatile long closingSince;
    /** Notified when a batch of sends ends (a close may be waiting for it). */
    private final Object sendEnded = new Object();

    private Member(Session session, Caller caller, String roomId, long memberSince, String nodeId, Services services) {
        this.session = session;
        this.caller = caller;
        this.roomId = roomId;
        this.memberSince = memberSince;
        this.key = nodeId + "/" + session.getId();
        this.services = services;
        this.outbound = new Drain<>(services.sendPool(), services.limits().queueBound(), this::send);
        this.rate = new TokenBucket(services.limits().perSecond(), services.limits().burst());
    }

    /** A new connection of this node, to a room; its send pool watches it from now on. */
    static Member open(Session session, Caller caller, String roomId, long memberSince, String nodeId, Services services) {
        Member m = new Member(session, caller, roomId, memberSince, nodeId, services);
        session.getUserProperties().put(SESSION_KEY, m);
        services.sendPool().serve(m);
        return m;
    }

    /**
     * The member a session was opened as, or null. The hub may close a connection (a removal, a room
     * gone, a revoked token) while the endpoint's {@code onOpen} is still under way, and the container
     * then calls {@code onClose} at once, on another thread: the endpoint finds its member here, not in
     * a field set when {@code onOpen} has its answer.
     */
    public static Member of(Session session) {
        return (Member) session.getUserProperties().get(SESSION_KEY);
    }

    /**
     * Whether a removal or ban ending membership {@code ended} of this connection's user in its room
     * (0: every one) ends this connection: true unless it was admitted under a later membership (the
     * user left and came back before the removal's notice arrived).
     */
    boolean endedBy(long ended) {
        return ended == 0 || memberSince <= ended;
    }

    public Caller caller() {
        return caller;
    }

    /** Whether this is a user socket ({@code /chat/ws/me}), in no room. */
    public boolean isUserSocket() {
        return Hub.USER_SOCKET.equals(roomId);
    }

    public String roomId() {
        return roomId;
    }

    /** Unique among every connection of every node. */
    String key() {
        return key;
    }

    /** Whether the rate limit lets one more message in; called by the connection's reading thread only. */
    boolean withinRate() {
        return rate.tryTake();
    }

    /**
     * A message of this connection, for its room's next batch: taken as sent now; when it cannot be
     * stored, the error event comes back to this connection.
     */
    public MessageStore.Draft draft(String content, String clientMsgId) {
        return new MessageStore.Draft(roomId, caller.id(), caller.username(), content, clientMsgId,
                MessageStore.now(), this::event);
    }

    /** Queues a message frame. */
    void deliver(String frame) {
        queue(frame);
    }

    /** Queues a frame that is not a message. */
    void event(String frame) {
        queue(new Event(frame));
    }

    /** Queues the stored messages {@code after < seq <= upTo}, to be sent before anything queued later. */
    void replay(long after, long upTo) {
        queue(new Replay(after, upTo));
    }

    void ping() {
        queue(PING);
    }

    private void queue(Object item) {
        if (outbound.offer(item) == Drain.Offer.FULL) {
            closeSlow();
        }
    }

    /** Its queue passed its bound, or a send to it blocked too long: close it with 1013. */
    void closeSlow() {
        if (close(SLOW_CONSUMER, "Too slow: resume with since.")) {
            services.slowConsumersClosed().inc();
        }
    }

    /** Whether the connection is closing or closed (by either side). */
    boolean isClosing() {
        return closing.get();
    }

    /** How long the send under way has been blocked, in nanoseconds; 0 when none is. */
    long sendingFor(long now) {
        return since(sendingSince, now);
    }

    /** How many of its operations under way on the send threads (a send, a close) have taken longer than {@code nanos}. */
    int blockedLongerThan(long nanos, long now) {
        return (since(sendingSince, now) > nanos ? 1 : 0) + (since(closingSince, now) > nanos ? 1 : 0);
    }

    /** Whether the connection has left and holds no send thread any more: its send pool can forget it. */
    boolean isDone() {
        return left && sendingSince == 0 && closingSince == 0;
    }

    private static long since(long start, long now) {
        return start == 0 ? 0 : now - start;
    }

    /**
     * Closes the connection with this code, once; later calls return false. The close itself runs on
     * the send pool, after the send under way, if any, has ended: a send blocked on a client that does
     * not read has written part of its frame, and Liberty, which waits only 5.5 s for it, would then
     * write the close frame into the middle of that frame (the client reads garbage, not the close
     * code). So the close waits for such a send up to {@link #CLOSE_WAITS_FOR_SEND_NANOS}, then closes
     * all the same (a client that has not read for that long gets what Liberty does).
     */
    boolean close(CloseCode code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        outbound.close();
        services.sendPool().execute(() -> {
            closingSince = System.nanoTime();
            try {
                awaitNoSend(closingSince + CLOSE_WAITS_FOR_SEND_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the pool is stopping: close at once
            }
            try {
                session.close(new CloseReason(code, reason));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "close of " + key + " failed", e);
            } finally {
                closingSince = 0;
            }
        });
        return true;
    }

    private void awaitNoSend(long deadline) throws InterruptedException {
        synchronized (sendEnded) {
            long left;
            while (sendingSince != 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(sendEnded, left);
            }
        }
    }

    /** Waits until the frames queued for this connection are sent; false when the deadline (a nanoTime) passed first. */
    boolean awaitSent(long deadline) throws InterruptedException {
        return outbound.awaitIdle(deadline);
    }

    /** The connection is closed already (by either side) and leaves the hub: stop queueing for it. */
    void closed() {
        closing.set(true);
        outbound.close();
        left = true;
    }

    /** A message of this connection could not be stored, or its replay read: close with 1011 so the client resumes. */
    void fail(String reason) {
        close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, reason);
    }

    private void send(List<Object> batch) {
        RemoteEndpoint.Basic remote = session.getBasicRemote();
        int messages = 0;
        try {
            for (Object item : batch) {
                if (closing.get()) {
                    break; // closed meanwhile (removed from the room, say): nothing more reaches it
                }
                sendingSince = System.nanoTime();
                if (item instanceof String frame) {
                    remote.sendText(frame);
                    messages++;
                } else if (item instanceof Event event) {
                    remote.sendText(event.frame());
                } else if (item instanceof Replay replay) {
                    messages += sendStored(remote, replay);
                } else if (item == PING) {
                    remote.sendPing(NO_DATA.duplicate());
                }
            }
        } catch (IOException | RuntimeException e) {
            // The connection is going away (closed by either side); its close handler unregisters it.
            LOG.log(Level.FINE, "send to " + key + " failed", e);
            outbound.close();
        } finally {
            sendingSince = 0;
            synchronized (sendEnded) {
                sendEnded.notifyAll();
            }
            if (messages > 0) {
                services.delivered().inc(messages);
            }
        }
    }

    private int sendStored(RemoteEndpoint.Basic remote, Replay replay) throws IOException {
        int sent = 0;
        long after = replay.after();
        while (after < replay.upTo()) {
            List<ChatMessage> page;
            try {
                page = services.store().after(roomId, after, replay.upTo(), REPLAY_PAGE);
            } catch (RuntimeException e) {
                // Sending what comes next would leave a gap: close with 1011, and the client resumes from what it has.
                LOG.log(Level.WARNING, "Could not read the replay of room " + roomId + " for " + key, e);
                fail("The server could not read the room's messages; resume with since.");
                return sent;
            }
            for (ChatMessage m : page) {
                if (closing.get()) {
                    return sent;
                }
                sendingSince = System.nanoTime();
                remote.sendText(Frames.stored(m));
                after = m.seq();
                sent++;
            }
            if (page.size() < REPLAY_PAGE) {
                break;
            }
        }
        return sent;
    }
}
