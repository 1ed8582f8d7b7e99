package org.gochat.chat.control;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.gochat.chat.entity.ChatError;
import org.gochat.chat.entity.ChatMessage;
import org.gochat.chat.entity.RoomChange;
import org.gochat.db.Bus;
import org.gochat.db.Database;
import org.gochat.web.Caller;
import org.gochat.web.Revocations;

/**
 * The chat hub of this node. Each room with members here has a loop: a queue of events (register,
 * unregister, deliver) run one at a time on the managed executor, so a room's member set and its
 * delivery position are only ever touched by one thread at a time, without locks. Messages reach
 * members only through PostgreSQL notifications (see {@link MessageStore}), even on one node, so
 * every node delivers a room's messages in the one seq order the database gave them; a gap in the
 * seqs (a missed notification) is filled from the table before anything later is delivered.
 * <p>
 * It also supervises this node's connections: joining and leaving, the sweep (send timeouts, expired
 * tokens), pings, revocations, membership changes (a removed or banned member's connections to
 * the room close with 4403, a deleted room's with 4404, at once on the bus thread, so that nothing
 * the room stores after that change's commit reaches them), the orderly stop. Each {@link Member} is given what it needs when it
 * is made (its {@link SendPool}, the store its replays read, its counters) and never calls back here.
 */
@ApplicationScoped
public class Hub {

    /** The local state of one room: touched only by its loop. */
    private static final class Room {
        final String id;
        final Drain<Runnable> loop;
        final Set<Member> members = new HashSet<>();
        /**
         * The seq of the last message handed to the members; meaningful while there are members.
         * Written by the loop only; read by the bus thread too, to drop notices already delivered.
         */
        volatile long delivered;

        Room(String id, Executor executor) {
            this.id = id;
            this.loop = new Drain<>(executor, Integer.MAX_VALUE, tasks -> tasks.forEach(Runnable::run));
        }
    }

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    private static final int CATCH_UP_PAGE = 500;
    /** The "room" of a user socket ({@code /chat/ws/me}), which is in no room: no room id is empty. */
    static final String USER_SOCKET = "";
    /** Removed from the room or banned. */
    static final CloseCode REMOVED = CloseReason.CloseCodes.getCloseCode(4403);
    /** The room was deleted. */
    static final CloseCode ROOM_DELETED = CloseReason.CloseCodes.getCloseCode(4404);

    @Resource(lookup = "concurrent/chat")
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ContextService contextService;

    @Inject
    MessageStore store;

    @Inject
    Presence presence;

    @Inject
    UserLimits userLimits;

    @Inject
    ChatMetrics metrics;

    @Inject
    SendPool sendPool;

    @Inject
    Memberships memberships;

    @Inject
    UserSockets userSockets;

    /** Every node fires these as the bus brings the changes (see {@link RoomChange}). */
    @Inject
    Event<RoomChange> roomChanges;

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    /** Every connection of this node, for the periodic sweep and for revocations. */
    private final Set<Member> connections = ConcurrentHashMap.newKeySet();
    @Inject
    @ConfigProperty(name = "GOCHAT_WS_QUEUE", defaultValue = "8192")
    int queueBound;

    @Inject
    @ConfigProperty(name = "GOCHAT_WS_SEND_TIMEOUT", defaultValue = "10")
    int sendTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "GOCHAT_WS_IDLE_TIMEOUT", defaultValue = "120")
    int idleTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "GOCHAT_WS_STOP_GRACE", defaultValue = "5")
    int stopGraceSeconds;

    private Typing typing;
    private Member.Limits limits;
    private Member.Services services;
    private List<Bus.Subscription> subscriptions = List.of();
    private List<ScheduledFuture<?>> timers = List.of();
    private volatile boolean stopping;
    /** Set by {@link #release()}: this node's presence rows are gone and are not written again. */
    private volatile boolean released;
    private TerminationSignals terminationSignals;

    /** Starts with the application: listens on the bus, clears this node's stale presence, starts the timers. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Database.ensureReady();
        int perSecond = userLimits.connectionMessagesPerSecond();
        limits = new Member.Limits(queueBound, perSecond, 2 * perSecond, TimeUnit.SECONDS.toNanos(sendTimeoutSeconds));
        services = new Member.Services(sendPool, store, limits, metrics.delivered(), metrics.slowConsumersClosed());
        metrics.hubGauges(connections, rooms, sendPool);
        typing = new Typing(executor, metrics.typing());
        try {
            presence.clear();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not clear this node's presence rows", e);
        }
        store.onCommitted(this::onStored);
        // The bus calls back on its own thread; the proxies give those calls this application's context.
        subscriptions = List.of(
                Bus.subscribe(Notice.CHANNEL, contextService.createContextualProxy(new Bus.Subscriber() {
                    @Override
                    public void onNotification(String payload) {
                        onNotice(payload);
                    }

                    @Override
                    public void onReconnect() {
                        catchUpEveryRoom();
                    }
                }, Bus.Subscriber.class)),
                Bus.subscribe(MemberNotice.CHANNEL, contextService.createContextualProxy(
                        (Bus.Subscriber) payload -> onMemberNotice(MemberNotice.parse(payload)), Bus.Subscriber.class)),
                Bus.subscribe(Presence.CHANNEL, contextService.createContextualProxy(
                        (Bus.Subscriber) payload -> onAnnouncement(Presence.Announcement.parse(payload)),
                        Bus.Subscriber.class)),
                Bus.subscribe(Typing.CHANNEL, contextService.createContextualProxy(
                        (Bus.Subscriber) payload -> onTyping(typing.heard(payload)), Bus.Subscriber.class)),
                Revocations.listen(contextService.createContextualProxy(new Revocations.Listener() {
                    @Override
                    public void tokenRevoked(String jti) {
                        closeWhere(m -> jti.equals(m.caller().tokenId()), CloseCodes.VIOLATED_POLICY, "The token was revoked.");
                    }

                    @Override
                    public void userDeleted(long userId) {
                        closeWhere(m -> m.caller().id() == userId, CloseCodes.VIOLATED_POLICY, "The account was deleted.");
                    }
                }, Revocations.Listener.class)));
        userSockets.start();
        terminationSignals = new TerminationSignals(this::stopOrderly);
        int pingEvery = Math.max(1, idleTimeoutSeconds / 4);
        timers = List.of(
                scheduler.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS),
                scheduler.scheduleAtFixedRate(() -> connections.forEach(Member::ping), pingEvery, pingEvery,
                        TimeUnit.SECONDS),
                scheduler.scheduleAtFixedRate(this::heartbeat, 10, 10, TimeUnit.SECONDS));
    }

    /**
     * The orderly stop: no new message is accepted (the sender hears {@code unavailable}), those
     * accepted are stored and delivered to this node's members, then every connection closes with
     * 1001, all within GOCHAT_WS_STOP_GRACE seconds. Clients resume with {@code since} on another node
     * or after the restart. It runs on SIGTERM or SIGINT, before the server's own shutdown, and when
     * chat-war stops (see {@link org.gochat.chat.boundary.OrderlyStop}), whichever comes first.
     */
    public void stopOrderly() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(stopGraceSeconds);
        LOG.info("Chat hub stopping in order: " + connections.size() + " connections");
        try {
            boolean done = store.awaitStored(deadline);
            // Each room's loop reads from the table whatever its notifications have not brought yet.
            rooms.values().forEach(room -> room.loop.offer(() -> catchUp(room, Long.MAX_VALUE)));
            for (Room room : rooms.values()) {
                done &= room.loop.awaitIdle(deadline);
            }
            for (Member m : connections) {
                done &= m.awaitSent(deadline);
            }
            if (!done) {
                LOG.warning("Chat hub stopping: not every accepted message was delivered within the grace period");
            }
            connections.forEach(m -> m.close(CloseCodes.GOING_AWAY, "The server is stopping."));
            long closeDeadline = Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
            while (!connections.isEmpty() && System.nanoTime() < closeDeadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Chat hub stopped in order; connections left open: " + connections.size());
    }

    /**
     * Lets go of everything that uses the database (timers, bus subscriptions, this node's presence
     * rows) once the orderly stop is done. chat-war's listener calls it while the database is still
     * there: the shared library stops the embedded database when the last application's listeners
     * have run, before CDI destroys this bean.
     */
    public void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        if (terminationSignals != null) {
            terminationSignals.close();
        }
        timers.forEach(t -> t.cancel(false));
        subscriptions.forEach(Bus.Subscription::close);
        userSockets.release();
        try {
            presence.clear(); // the other nodes stop counting this one's users at once
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "Could not clear this node's presence rows", e);
        }
    }

    @PreDestroy
    void stop() {
        release();
    }

    // ---- connections (called by the endpoint)

    /** Registers a new connection of this node and joins it to its room; {@code since} asks for a replay. */
    public Member join(Session session, Caller caller, String roomId, Long since) {
        return join(session, caller, null, roomId, since);
    }

    /**
     * The same, for a connection whose handshake was admitted ({@code admission}; null: not through
     * the handshake's checks): it receives every message stored after the admission's position, and
     * a removal of the membership it was admitted under closes it.
     */
    public Member join(Session session, Caller caller, Memberships.Admission admission, String roomId, Long since) {
        Member m = supervise(session, caller, roomId, admission == null ? 0 : admission.memberSince());
        // Where this connection starts, read before it can send anything: the register task runs later,
        // and a first member's own first message may be stored by then. The handshake read it; without
        // it, it is read here.
        long position = admission != null ? admission.position() : memberships.position(roomId, caller.id());
        Room room = rooms.computeIfAbsent(roomId, id -> new Room(id, executor));
        room.loop.offer(() -> register(room, m, since, position));
        return m;
    }

    /** Registers a user socket ({@code /chat/ws/me}): a connection in no room, told about all of the user's rooms. */
    public Member joinUser(Session session, Caller caller) {
        Member m = supervise(session, caller, USER_SOCKET, 0);
        userSockets.opened(m);
        return m;
    }

    /** A new connection of this node, supervised from now on (sweep, pings, revocations, the orderly stop). */
    private Member supervise(Session session, Caller caller, String roomId, long memberSince) {
        session.setMaxIdleTimeout(TimeUnit.SECONDS.toMillis(idleTimeoutSeconds));
        Member m = Member.open(session, caller, roomId, memberSince, presence.nodeId(), services);
        connections.add(m);
        // A revocation that arrived between the handshake's check and now found no connection to close.
        if (Revocations.isRevoked(caller.tokenId()) || Revocations.isDeleted(caller.id())) {
            m.close(CloseCodes.VIOLATED_POLICY, "The token is no longer valid.");
        } else if (stopping) {
            m.close(CloseCodes.GOING_AWAY, "The server is stopping.");
        }
        return m;
    }

    /**
     * A text frame from a member: a typing indicator goes to the throttle (and is dropped silently
     * past it); a message is checked, rate limited, then queued for storing.
     */
    public void receive(Member m, String text) {
        Frames.Inbound in;
        try {
            in = Frames.read(text);
        } catch (Frames.Refused e) {
            m.event(Frames.encode(e.error()));
            return;
        }
        if (in.typing()) {
            if (!stopping) {
                typing.typed(m);
            }
            return;
        }
        if (stopping) {
            refuse(m, ChatError.UNAVAILABLE, "The server is stopping; send it again once reconnected.");
            return;
        }
        if (!userLimits.allowsMessage(m)) {
            refuse(m, ChatError.RATE_LIMITED, "Too many messages a second, on this connection or across the user's.");
            return;
        }
        if (store.submit(m.draft(in.content(), in.clientMsgId())) == Drain.Offer.FULL) {
            refuse(m, ChatError.RATE_LIMITED, "The room is too busy; try again shortly.");
        }
    }

    /** A binary frame: the contract has none; close with 1003. */
    public void refuseBinary(Member m) {
        m.close(CloseCodes.CANNOT_ACCEPT, "Binary messages are not accepted.");
    }

    /** A text message over the size limit: close with 1009. */
    public void refuseTooLarge(Member m) {
        m.close(CloseCodes.TOO_BIG, "Text messages are limited to 16 KiB.");
    }

    /** The connection closed (either side) with {@code closeCode}: unregister it. */
    public void leave(Member m, int closeCode) {
        if (closeCode == CloseCodes.TOO_BIG.getCode()) { // by refuseTooLarge, or by the container from a frame's header
            metrics.messagesTooLarge().inc();
        }
        connections.remove(m);
        m.closed();
        if (m.isUserSocket()) {
            userSockets.closed(m);
            return;
        }
        Room room = rooms.get(m.roomId());
        if (room != null) {
            room.loop.offer(() -> unregister(room, m));
        }
    }

    // ---- the room loop

    private void register(Room room, Member m, Long since, long position) {
        if (rooms.get(room.id) != room) { // the room's last member left meanwhile and took its loop away
            Room current = rooms.computeIfAbsent(room.id, id -> new Room(id, executor));
            current.loop.offer(() -> register(current, m, since, position));
            return;
        }
        if (m.isClosing()) {
            return; // gone before it joined; its leave may not have found this room
        }
        try {
            // The room as the user may see it now, read in the transaction that counts the connection,
            // before anything is sent: the connection is listed, so a removal committed before this
            // read is seen here, and one committed after it closes the connection from the bus.
            long now = released ? position : presence.joined(room.id, m.caller(), m.key());
            if (now == -2) {
                m.close(REMOVED, "Not a member of the room.");
                return;
            }
            if (now < 0 || position < 0) {
                m.fail("The server could not join the room."); // no such room (deleted since the handshake)
                return;
            }
            long start = Math.min(position, now); // smaller only in a room deleted and made again with its id
            boolean first = room.members.isEmpty();
            if (first) {
                room.delivered = start;
            }
            // Without since, from its position: what the room delivered here between the position and
            // now (the handshake's answer reaches the client before this runs) is replayed, not missed.
            long from = since != null ? since : start;
            if (from >= 0 && from < room.delivered) {
                m.replay(from, room.delivered);
            }
            room.members.add(m);
            if (first) {
                // Notices of messages stored after the position was read found no member and were dropped.
                catchUp(room, Long.MAX_VALUE);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not register a connection to room " + room.id, e);
            room.members.remove(m);
            m.fail("The server could not join the room.");
        }
    }

    private void unregister(Room room, Member m) {
        if (room.members.remove(m) && !released) {
            try {
                presence.left(room.id, m.caller(), m.key());
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, "Could not record that a connection left room " + room.id, e);
            }
        }
        if (room.members.isEmpty()) {
            rooms.remove(room.id, room); // a join racing this forwards itself to a new loop (see register)
        }
    }

    /**
     * On the bus thread: hand the notice to its room's loop, if the room has a loop here and has not
     * delivered its messages yet (this node's own messages were delivered as they were stored, see
     * {@link #onStored}; their notices end here, read no further than their head line).
     */
    private void onNotice(String payload) {
        Room room = rooms.get(Notice.roomOf(payload));
        if (room != null && Notice.lastOf(payload) > room.delivered) {
            Notice notice = Notice.parse(payload);
            room.loop.offer(() -> deliver(room, notice));
        }
    }

    /**
     * On the storing thread, once this node's messages are committed: when the room's loop is idle,
     * this thread runs it (hands the frames to the members' queues) instead of waking one for it.
     */
    private void onStored(Notice notice) {
        Room room = rooms.get(notice.roomId());
        if (room != null) {
            room.loop.offerHere(() -> deliver(room, notice));
        }
    }

    private void deliver(Room room, Notice notice) {
        if (room.members.isEmpty() || notice.last() <= room.delivered) {
            return; // nobody to tell, or already delivered (read from the table earlier)
        }
        if (notice.first() > room.delivered + 1 || !notice.carriesFrames()) {
            catchUp(room, notice.last());
            return;
        }
        for (int i = 0; i < notice.tails().size(); i++) {
            if (notice.first() + i > room.delivered) {
                dispatch(room, notice.frame(i));
            }
        }
        room.delivered = notice.last();
    }

    /** Delivers the stored messages after the room's position, up to {@code upTo}, read by seq. */
    private void catchUp(Room room, long upTo) {
        if (room.members.isEmpty()) {
            return;
        }
        try {
            List<ChatMessage> page;
            do {
                page = store.after(room.id, room.delivered, upTo, CATCH_UP_PAGE);
                for (ChatMessage m : page) {
                    dispatch(room, Frames.stored(m));
                    room.delivered = m.seq();
                }
            } while (page.size() == CATCH_UP_PAGE);
        } catch (RuntimeException e) {
            // The database is unreachable: the bus reconnects too, and its reconnect catches up again.
            LOG.log(Level.WARNING, "Could not catch up room " + room.id, e);
        }
    }

    private void catchUpEveryRoom() {
        rooms.values().forEach(room -> room.loop.offer(() -> catchUp(room, Long.MAX_VALUE)));
    }

    private static void dispatch(Room room, String frame) {
        for (Member m : room.members) {
            m.deliver(frame);
        }
    }

    private void onAnnouncement(Presence.Announcement a) {
        Room room = rooms.get(a.roomId());
        if (room != null) {
            room.loop.offer(() -> room.members.stream()
                    .filter(m -> !m.key().equals(a.from()))
                    .forEach(m -> m.event(a.frame())));
        }
    }

    /** A typing indicator from the bus: to the room's members here, except the typist's own connections. */
    private void onTyping(Typing.Heard h) {
        Room room = rooms.get(h.roomId());
        if (room != null) {
            room.loop.offer(() -> room.members.stream()
                    .filter(m -> m.caller().id() != h.userId())
                    .forEach(m -> m.event(h.frame())));
        }
    }

    // ---- supervision

    private void refuse(Member m, String code, String detail) {
        m.event(Frames.encode(new ChatError(code, detail)));
    }

    /** Closes these connections with this code: 1008 for a revoked token or a deleted account, 4403, 4404. */
    private int closeWhere(Predicate<Member> which, CloseCode code, String reason) {
        int closed = 0;
        for (Member m : connections) {
            if (which.test(m) && m.close(code, reason)) {
                closed++;
            }
        }
        return closed;
    }

    /**
     * On the bus thread, in commit order with the rooms' messages: a membership change. Connections
     * that must go are closed here, before any later notification is handed to a room's loop, so
     * they receive nothing the room stores after the change's commit; the {@code member} frame goes
     * to the room's members through its loop; then the change is fired for other observers.
     */
    private void onMemberNotice(MemberNotice n) {
        int closed = 0;
        switch (n.action()) {
            case RoomChange.REMOVED, RoomChange.BANNED -> closed = closeWhere(
                    m -> m.caller().id() == n.userId() && m.roomId().equals(n.roomId()) && m.endedBy(n.memberSince()),
                    REMOVED,
                    n.action().equals(RoomChange.BANNED) ? "Banned from the room." : "Removed from the room.");
            case RoomChange.DELETED -> {
                closed = closeWhere(m -> m.roomId().equals(n.roomId()), ROOM_DELETED, "The room was deleted.");
                rooms.remove(n.roomId()); // a room created again with this id starts afresh, from seq 1
            }
            default -> {
                // added, role, read: nobody leaves
            }
        }
        if (closed > 0) {
            metrics.removedClosed().inc(closed);
        }
        Room room = rooms.get(n.roomId());
        if (n.frame() != null && room != null) {
            room.loop.offer(() -> room.members.forEach(m -> m.event(n.frame())));
        }
        try {
            roomChanges.fire(n.change());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of room changes failed", e);
        }
    }

    private void sweep() {
        typing.sweep();
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        for (Member m : connections) {
            if (m.sendingFor(now) > limits.sendTimeoutNanos()) {
                m.closeSlow();
            } else if (m.caller().expiresAt() != null && m.caller().expiresAt().isBefore(wallNow)) {
                m.close(CloseCodes.VIOLATED_POLICY, "The token expired.");
            }
        }
    }

    private void heartbeat() {
        try {
            presence.heartbeat();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Presence heartbeat failed", e);
        }
    }
}
