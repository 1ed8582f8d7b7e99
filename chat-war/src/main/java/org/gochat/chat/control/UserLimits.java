package org.gochat.chat.control;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;

/**
 * The limits per user, whatever the number of their connections: open WebSockets, messages a
 * second across them, rooms created a minute. Counted per server: a user spread over n servers
 * gets n times each.
 */
@ApplicationScoped
public class UserLimits {

    /** A user's open connections on this server and the message rate they share. */
    private static final class Usage {
        int connections;
        final TokenBucket messages;

        Usage(TokenBucket messages) {
            this.messages = messages;
        }
    }

    /** Seconds a client refused for its number of connections is told to wait: until one of them closes, really. */
    private static final long CONNECTION_RETRY_SECONDS = 5;
    /** Past this many room creators remembered, those whose limit has refilled are forgotten. */
    private static final int CREATORS_BEFORE_PRUNING = 10_000;

    @Inject
    ChatMetrics metrics;

    @Inject
    @ConfigProperty(name = "GOCHAT_WS_USER_CONNECTIONS", defaultValue = "20")
    int maxConnections;

    /** Messages per second of one connection (the hub's bound), and the default of a user's. */
    @Inject
    @ConfigProperty(name = "GOCHAT_WS_RATE", defaultValue = "100")
    int connectionMessagesPerSecond;

    @Inject
    @ConfigProperty(name = "GOCHAT_WS_USER_RATE")
    Optional<Integer> userMessagesPerSecond;

    @Inject
    @ConfigProperty(name = "GOCHAT_ROOMS_PER_MINUTE", defaultValue = "10")
    int roomsPerMinute;

    private int messagesPerSecond;
    private final Map<Long, Usage> users = new ConcurrentHashMap<>();
    private final Map<Long, TokenBucket> roomCreators = new ConcurrentHashMap<>();
    private Counter connectionsRefused;
    private Counter rateLimited;
    private Counter roomsCreateLimited;

    @PostConstruct
    void init() {
        messagesPerSecond = userMessagesPerSecond.orElse(connectionMessagesPerSecond);
        connectionsRefused = metrics.connectionsRefused();
        rateLimited = metrics.rateLimited();
        roomsCreateLimited = metrics.roomsCreateLimited();
    }

    /** GOCHAT_WS_RATE: the messages per second one connection may send (the hub bounds each). */
    int connectionMessagesPerSecond() {
        return connectionMessagesPerSecond;
    }

    /**
     * Takes one of the user's connections for a handshake: empty when taken, else (they have all of
     * theirs open) the seconds to wait. Every connection taken is given back with {@link #connectionClosed}.
     */
    public OptionalLong openConnection(long userId) {
        boolean[] taken = {false};
        users.compute(userId, (id, usage) -> {
            Usage u = usage != null ? usage : new Usage(new TokenBucket(messagesPerSecond, 2 * messagesPerSecond));
            if (u.connections < maxConnections) {
                u.connections++;
                taken[0] = true;
            }
            return u.connections == 0 ? null : u;
        });
        if (taken[0]) {
            return OptionalLong.empty();
        }
        connectionsRefused.inc();
        return OptionalLong.of(CONNECTION_RETRY_SECONDS);
    }

    public void connectionClosed(long userId) {
        users.computeIfPresent(userId, (id, u) -> --u.connections <= 0 ? null : u);
    }

    /** Whether one more message of this connection is within its own rate and its user's; counts the refusals. */
    boolean allowsMessage(Member m) {
        if (m.withinRate()) {
            Usage u = users.get(m.caller().id());
            if (u == null || u.messages.tryTake()) {
                return true;
            }
        }
        rateLimited.inc();
        return false;
    }

    /** Takes one room creation of the user's rate; empty when allowed, else the seconds to wait. */
    public OptionalLong createRoom(long userId) {
        if (roomCreators.size() > CREATORS_BEFORE_PRUNING) {
            roomCreators.values().removeIf(TokenBucket::isFull);
        }
        TokenBucket bucket = roomCreators.computeIfAbsent(userId, id -> new TokenBucket(roomsPerMinute / 60.0, roomsPerMinute));
        if (bucket.tryTake()) {
            return OptionalLong.empty();
        }
        roomsCreateLimited.inc();
        return OptionalLong.of(bucket.secondsUntilNext());
    }
}
