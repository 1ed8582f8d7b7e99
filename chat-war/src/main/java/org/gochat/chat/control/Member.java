package org.gochat.chat.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.gochat.chat.entity.ChatMessage;
import org.gochat.web.Caller;

/**
 * One WebSocket connection to a room, and its bounded outbound queue. Frames are queued by the
 * room's loop and sent by at most one task at a time, which sends everything queued with blocking
 * sends (one thread hand-off per burst, not per frame). A connection whose queue passes its bound,
 * or whose send has been blocked too long, is closed with 1013; nobody else waits for it.
 */
public final class Member {

    /** Close codes of the contract that the container has no constant for. */
    static final CloseCode SLOW_CONSUMER = CloseReason.CloseCodes.TRY_AGAIN_LATER; // 1013

    private static final Logger LOG = Logger.getLogger(Member.class.getName());
    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);
    private static final Object PING = new Object();
    private static final int REPLAY_PAGE = 500;

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
    private final Hub hub;
    private final Drain<Object> outbound;
    private final TokenBucket rate;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** System.nanoTime() when the send under way began; 0 when none is. */
    private volatile long sendingSince;
    /** System.nanoTime() when the close under way began (it waits for a blocked send, then for the client); 0 when none is. */
    private volatile long closingSince;

    Member(Session session, Caller caller, String roomId, String nodeId, Hub hub, Hub.Limits limits) {
        this.session = session;
        this.caller = caller;
        this.roomId = roomId;
        this.key = nodeId + "/" + session.getId();
        this.hub = hub;
        this.outbound = new Drain<>(hub.sendExecutor(), limits.queueBound(), this::send);
        this.rate = new TokenBucket(limits.perSecond(), limits.burst());
    }

    public Caller caller() {
        return caller;
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
            hub.slowConsumer(this);
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

    /** Whether a send or close of this connection is under way on a send thread. */
    boolean holdsASendThread() {
        return sendingSince != 0 || closingSince != 0;
    }

    private static long since(long start, long now) {
        return start == 0 ? 0 : now - start;
    }

    /**
     * Closes the connection with this code, once; later calls return false. The close itself runs on
     * the executor: when a send is blocked, the container waits for it (a few seconds) first.
     */
    boolean close(CloseCode code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        outbound.close();
        hub.sendExecutor().execute(() -> {
            closingSince = System.nanoTime();
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

    /** Waits until the frames queued for this connection are sent; false when the deadline (a nanoTime) passed first. */
    boolean awaitSent(long deadline) throws InterruptedException {
        return outbound.awaitIdle(deadline);
    }

    /** The connection is closed already (by either side): stop queueing for it. */
    void closed() {
        closing.set(true);
        outbound.close();
    }

    /** A message of this connection could not be stored: close with 1011 so the client resumes. */
    void fail(String reason) {
        close(CloseReason.CloseCodes.UNEXPECTED_CONDITION, reason);
    }

    private void send(List<Object> batch) {
        RemoteEndpoint.Basic remote = session.getBasicRemote();
        int messages = 0;
        try {
            for (Object item : batch) {
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
            hub.delivered(messages);
        }
    }

    private int sendStored(RemoteEndpoint.Basic remote, Replay replay) throws IOException {
        int sent = 0;
        long after = replay.after();
        while (after < replay.upTo()) {
            List<ChatMessage> page = hub.store().after(roomId, after, replay.upTo(), REPLAY_PAGE);
            for (ChatMessage m : page) {
                sendingSince = System.nanoTime();
                remote.sendText(Frames.message(m));
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
