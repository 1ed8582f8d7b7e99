package org.gochat.chat.control;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.gochat.web.LibraryMetrics;

/**
 * Every metric of the chat service, in one place. The counters are registered when the application
 * starts, the gauges when the hub starts (which is then too), so each is exported (at zero) before
 * its first event and dashboards and alerts work from the start.
 */
@ApplicationScoped
public class ChatMetrics {

    @Inject
    MetricRegistry registry;

    private Counter stored;
    private Counter delivered;
    private Counter slowConsumersClosed;
    private Counter connectionsRefused;
    private Counter rateLimited;
    private Counter roomsCreateLimited;
    private Counter messagesTooLarge;
    private Counter edited;
    private Counter deleted;
    private Counter typing;
    private Counter membersAdded;
    private Counter membersRemoved;
    private Counter membersBanned;
    private Counter rolesChanged;
    private Counter roomsDeleted;
    private Counter directRoomsCreated;
    private Counter readMarkersMoved;
    private Counter removedClosed;
    private Counter inboxEvents;
    private Counter roomEvents;

    @PostConstruct
    void register() {
        stored = counter("gochat.messages.stored", "Chat messages stored");
        delivered = counter("gochat.messages.delivered", "Frames of chat messages sent to connections");
        slowConsumersClosed = counter("gochat.ws.slowConsumersClosed",
                "Connections closed with 1013 because they could not keep up");
        connectionsRefused = counter("gochat.ws.connectionsRefused",
                "Handshakes refused with 429: the user had all of their connections open");
        rateLimited = counter("gochat.ws.rateLimited", "Messages refused by a connection's or a user's rate");
        roomsCreateLimited = counter("gochat.rooms.createLimited", "Room creations refused with 429 by a user's rate");
        LibraryMetrics.register(registry);
        messagesTooLarge = counter("gochat.ws.messagesTooLarge", "Connections closed with 1009: a text message over 16 KiB");
        edited = counter("gochat.messages.edited", "Edits of chat messages stored");
        deleted = counter("gochat.messages.deleted", "Deletions of chat messages stored");
        typing = counter("gochat.ws.typing", "Typing indicators forwarded to the room (after the per-user throttle)");
        membersAdded = counter("gochat.members.added", "Members added to rooms (by the owner or a moderator, or joining)");
        membersRemoved = counter("gochat.members.removed", "Members removed from rooms, or who left");
        membersBanned = counter("gochat.members.banned", "Users banned from public rooms");
        rolesChanged = counter("gochat.members.rolesChanged", "Roles of members changed by a room's owner");
        roomsDeleted = counter("gochat.rooms.deleted", "Rooms deleted by their owner");
        directRoomsCreated = counter("gochat.rooms.directCreated", "Direct rooms created");
        readMarkersMoved = counter("gochat.members.readMarkersMoved", "Read markers moved by PUT .../read");
        inboxEvents = counter("gochat.userSockets.inboxEvents", "inbox frames sent to user sockets (/chat/ws/me)");
        roomEvents = counter("gochat.userSockets.roomEvents", "room frames (added, removed, deleted) sent to user sockets");
        removedClosed = counter("gochat.ws.removedClosed",
                "Connections of this server closed with 4403 (member removed or banned) or 4404 (room deleted)");
    }

    /** Creates this bean, and so registers the counters, when the application starts. */
    void atStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // @PostConstruct did the work
    }

    /** The hub's gauges, read from its own collections and its send pool. */
    void hubGauges(Set<?> connections, Map<?, ?> rooms, SendPool sendPool) {
        gauge("gochat.ws.sessions", "WebSocket connections open on this server", connections, Set::size);
        gauge("gochat.ws.rooms", "Rooms with members on this server", rooms, Map::size);
        gauge("gochat.ws.sendThreads", "Threads of the pool that sends to connections", sendPool, SendPool::size);
    }

    /** The user sockets' gauge, read from their set. */
    void userSocketGauge(Set<?> sockets) {
        gauge("gochat.userSockets.open", "User sockets (/chat/ws/me) open on this server", sockets, Set::size);
    }

    Counter inboxEvents() {
        return inboxEvents;
    }

    Counter roomEvents() {
        return roomEvents;
    }

    Counter stored() {
        return stored;
    }

    Counter delivered() {
        return delivered;
    }

    Counter slowConsumersClosed() {
        return slowConsumersClosed;
    }

    Counter connectionsRefused() {
        return connectionsRefused;
    }

    Counter rateLimited() {
        return rateLimited;
    }

    Counter roomsCreateLimited() {
        return roomsCreateLimited;
    }

    Counter messagesTooLarge() {
        return messagesTooLarge;
    }

    Counter edited() {
        return edited;
    }

    Counter deleted() {
        return deleted;
    }

    Counter typing() {
        return typing;
    }

    Counter membersAdded() {
        return membersAdded;
    }

    Counter membersRemoved() {
        return membersRemoved;
    }

    Counter membersBanned() {
        return membersBanned;
    }

    Counter rolesChanged() {
        return rolesChanged;
    }

    Counter roomsDeleted() {
        return roomsDeleted;
    }

    Counter directRoomsCreated() {
        return directRoomsCreated;
    }

    Counter readMarkersMoved() {
        return readMarkersMoved;
    }

    Counter removedClosed() {
        return removedClosed;
    }

    private Counter counter(String name, String description) {
        return registry.counter(Metadata.builder().withName(name).withDescription(description).build());
    }

    private <T> void gauge(String name, String description, T state, Function<T, Integer> value) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), state, value);
    }
}
