package org.gochat.chat.control;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.gochat.chat.entity.InboxEntry;
import org.gochat.chat.entity.InboxEvent;
import org.gochat.chat.entity.RoomChange;
import org.gochat.chat.entity.RoomEvent;
import org.gochat.chat.entity.RoomView;
import org.gochat.db.Bus;

/**
 * The user sockets ({@code /chat/ws/me}) of this node and what they are told: an {@code inbox} frame
 * when one of the user's rooms has new messages or their read marker moves, a {@code room} frame when
 * they are added to or removed from a room or a room of theirs is deleted.
 * <p>
 * Every node hears every room's message notices and every membership change on the bus, so each
 * tells its own sockets. It keeps, for the users with a socket here, the rooms they are members of
 * (read when a user's first socket opens, then followed through the {@link RoomChange}s); a notice
 * for one of those rooms marks (user, room) as changed. Every {@code GOCHAT_INBOX_COALESCE_MS}
 * the changed pairs are read from the database in one query per user and sent: at most one
 * {@code inbox} frame per room per period, the latest state, and never a state the user's sockets were
 * told already. All of that runs on one loop, one task
 * at a time, so the maps need no locks and each user's frames leave in the order things happened.
 * The connections themselves are {@link Member}s that the {@link Hub} supervises like any other
 * (slow consumers, pings, expired or revoked tokens, the orderly stop).
 */
@ApplicationScoped
public class UserSockets {

    private static final Logger LOG = Logger.getLogger(UserSockets.class.getName());

    @Resource(lookup = "concurrent/chat")
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ContextService contextService;

    @Inject
    Memberships memberships;

    @Inject
    ChatMetrics metrics;

    @Inject
    @ConfigProperty(name = "GOCHAT_INBOX_COALESCE_MS", defaultValue = "250")
    int coalesceMillis;

    /** Touched by the loop only. */
    private final Map<Long, Set<Member>> socketsOfUser = new HashMap<>();
    private final Map<Long, Map<String, RoomView>> roomsOfUser = new HashMap<>();
    private final Map<String, Set<Long>> usersOfRoom = new HashMap<>();
    private final Map<Long, Set<String>> changed = new HashMap<>();
    /** The state each user's sockets were last told per room: a flush that finds it unchanged sends nothing. */
    private final Map<Long, Map<String, Told>> toldOfUser = new HashMap<>();
    /** Read from other threads: by the gauge, and by the bus thread (no user sockets: no notice is followed). */
    private final Set<Member> sockets = ConcurrentHashMap.newKeySet();

    private Drain<Runnable> loop;
    private Counter inboxEvents;
    private Counter roomEvents;
    private Bus.Subscription notices;
    private ScheduledFuture<?> flushes;

    @PostConstruct
    void init() {
        loop = new Drain<>(executor, Integer.MAX_VALUE, tasks -> tasks.forEach(UserSockets::runSafely));
        inboxEvents = metrics.inboxEvents();
        roomEvents = metrics.roomEvents();
        metrics.userSocketGauge(sockets);
    }

    /** Starts listening (the hub calls it as it starts). */
    void start() {
        notices = Bus.subscribe(Notice.CHANNEL, contextService.createContextualProxy(
                (Bus.Subscriber) payload -> {
                    if (!sockets.isEmpty()) { // a node without user sockets has nobody to tell
                        String roomId = Notice.roomOf(payload);
                        loop.offer(() -> roomChanged(roomId));
                    }
                }, Bus.Subscriber.class));
        // With a fixed delay, not rate: a late period is never followed at once by the next one.
        flushes = scheduler.scheduleWithFixedDelay(() -> loop.offer(this::flush), coalesceMillis, coalesceMillis,
                TimeUnit.MILLISECONDS);
    }

    /** Stops listening (the hub calls it as it lets go of the database). */
    void release() {
        if (flushes != null) {
            flushes.cancel(false);
        }
        if (notices != null) {
            notices.close();
        }
    }

    void opened(Member socket) {
        sockets.add(socket);
        loop.offer(() -> {
            if (socket.isClosing()) {
                // Closed before this ran (the hub may close a socket as it opens): its closed() may have
                // come first and found nothing to forget.
                sockets.remove(socket);
                return;
            }
            long userId = socket.caller().id();
            socketsOfUser.computeIfAbsent(userId, id -> new HashSet<>()).add(socket);
            if (!roomsOfUser.containsKey(userId)) {
                Map<String, RoomView> rooms = new HashMap<>();
                try {
                    memberships.roomsOf(userId).forEach(r -> rooms.put(r.id(), r));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not read the rooms of user " + userId, e);
                    socket.fail("The server could not read your rooms.");
                    return; // its close comes back through closed()
                }
                roomsOfUser.put(userId, rooms);
                rooms.keySet().forEach(roomId -> usersOfRoom.computeIfAbsent(roomId, id -> new HashSet<>()).add(userId));
            }
        });
    }

    void closed(Member socket) {
        sockets.remove(socket);
        loop.offer(() -> {
            long userId = socket.caller().id();
            Set<Member> own = socketsOfUser.get(userId);
            if (own != null && own.remove(socket) && own.isEmpty()) {
                socketsOfUser.remove(userId);
                changed.remove(userId);
                toldOfUser.remove(userId);
                Map<String, RoomView> rooms = roomsOfUser.remove(userId);
                if (rooms != null) {
                    rooms.keySet().forEach(roomId -> forget(roomId, userId));
                }
            }
        });
    }

    /** On the bus thread, in commit order with the messages (fired by the hub): follow the change on the loop. */
    void onRoomChange(@Observes RoomChange change) {
        loop.offer(() -> follow(change));
    }

    private void follow(RoomChange change) {
        switch (change.action()) {
            case RoomChange.ADDED -> {
                Map<String, RoomView> rooms = roomsOfUser.get(change.userId());
                // Announced even when the room is known already: the socket's first read of the user's
                // rooms may have run after this addition's commit, which the client has not heard of.
                if (rooms != null) {
                    memberships.room(change.roomId()).ifPresent(room -> {
                        rooms.put(room.id(), room);
                        usersOfRoom.computeIfAbsent(room.id(), id -> new HashSet<>()).add(change.userId());
                        send(change.userId(), Frames.encode(RoomEvent.of(RoomChange.ADDED, room)), roomEvents);
                        markChanged(change.userId(), room.id()); // its unread count and last message
                    });
                }
            }
            case RoomChange.REMOVED, RoomChange.BANNED -> {
                Map<String, RoomView> rooms = roomsOfUser.get(change.userId());
                RoomView room = rooms == null ? null : rooms.remove(change.roomId());
                if (room != null) {
                    forget(room.id(), change.userId());
                    unmark(change.userId(), room.id());
                    send(change.userId(), Frames.encode(RoomEvent.of(RoomChange.REMOVED, room)), roomEvents);
                }
            }
            case RoomChange.DELETED -> {
                Set<Long> users = usersOfRoom.remove(change.roomId());
                if (users != null) {
                    for (long userId : users) {
                        RoomView room = roomsOfUser.get(userId).remove(change.roomId());
                        unmark(userId, change.roomId());
                        send(userId, Frames.encode(RoomEvent.of(RoomChange.DELETED, room)), roomEvents);
                    }
                }
            }
            case RoomChange.READ -> markChanged(change.userId(), change.roomId());
            default -> {
                // role: nothing the user socket shows
            }
        }
    }

    private void roomChanged(String roomId) {
        Set<Long> users = usersOfRoom.get(roomId);
        if (users != null) {
            users.forEach(userId -> markChanged(userId, roomId));
        }
    }

    private void markChanged(long userId, String roomId) {
        Map<String, RoomView> rooms = roomsOfUser.get(userId);
        if (rooms != null && rooms.containsKey(roomId)) {
            changed.computeIfAbsent(userId, id -> new HashSet<>()).add(roomId);
        }
    }

    /** Forgets a room the user is no longer in: nothing pending, nothing told. */
    private void unmark(long userId, String roomId) {
        Set<String> pending = changed.get(userId);
        if (pending != null) {
            pending.remove(roomId);
        }
        Map<String, Told> told = toldOfUser.get(userId);
        if (told != null) {
            told.remove(roomId);
        }
    }

    /**
     * Sends each changed room's latest state to its user's sockets, unless they were told that state
     * already (a flush can read a message whose notice is still on its way, and the notice then
     * marks the room again).
     */
    private void flush() {
        if (changed.isEmpty()) {
            return;
        }
        Map<Long, Set<String>> due = new HashMap<>(changed);
        changed.clear();
        due.forEach((userId, roomIds) -> {
            try {
                List<InboxEntry> entries = memberships.inbox(userId, roomIds);
                Map<String, Told> told = toldOfUser.computeIfAbsent(userId, id -> new HashMap<>());
                for (InboxEntry e : entries) {
                    Told now = new Told(e.lastSeq(), e.readSeq(), e.unread());
                    if (!now.equals(told.put(e.room().id(), now))) {
                        send(userId, Frames.encode(new InboxEvent(e)), inboxEvents);
                    }
                }
            } catch (RuntimeException e) {
                // The database is unreachable: try these again at the next flush.
                LOG.log(Level.FINE, "Could not read the inbox of user " + userId, e);
                roomIds.forEach(roomId -> markChanged(userId, roomId));
            }
        });
    }

    private void send(long userId, String frame, Counter counter) {
        Set<Member> own = socketsOfUser.get(userId);
        if (own != null) {
            own.forEach(socket -> socket.event(frame));
            counter.inc(own.size());
        }
    }

    private void forget(String roomId, long userId) {
        Set<Long> users = usersOfRoom.get(roomId);
        if (users != null && users.remove(userId) && users.isEmpty()) {
            usersOfRoom.remove(roomId);
        }
    }

    /** What an inbox frame says of a room; every change of its last message takes a new seq. */
    private record Told(long lastSeq, long readSeq, long unread) {
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A user socket task failed", e);
        }
    }
}
