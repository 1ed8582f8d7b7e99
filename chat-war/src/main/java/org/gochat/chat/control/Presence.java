package org.gochat.chat.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.gochat.chat.entity.ChatEvent;
import org.gochat.db.Bus;
import org.gochat.web.Caller;

/**
 * The presence table: who is connected to which room, counted per node, with the node's heartbeat.
 * Joining and leaving also announce a {@code join} / {@code leave} frame on the bus, in the same
 * transaction, so the room's members on every node hear of it. Rows of a node whose heartbeat is
 * older than {@value #EXPIRY_SECONDS} seconds are ignored and purged.
 */
@ApplicationScoped
public class Presence {

    public static final int EXPIRY_SECONDS = 30;
    static final String CHANNEL = "gochat_room_events";

    /** A join or leave frame for a room's members, except the connection {@code from} that caused it. */
    record Announcement(String roomId, String from, String frame) {

        String payload() {
            return roomId + ' ' + from + '\n' + frame;
        }

        static Announcement parse(String payload) {
            int space = payload.indexOf(' ');
            int newline = payload.indexOf('\n');
            return new Announcement(payload.substring(0, space), payload.substring(space + 1, newline),
                    payload.substring(newline + 1));
        }
    }

    /** Default: a random id, new on every start. */
    @Inject
    @ConfigProperty(name = "GOCHAT_NODE_ID")
    Optional<String> configuredNodeId;

    private String nodeId;

    @PostConstruct
    void init() {
        nodeId = configuredNodeId.orElseGet(() -> UUID.randomUUID().toString());
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * The connection {@code connection} (a member's key) of {@code who} joined {@code roomId} on this
     * node: counted and announced, if the user may still see the room, which is checked in the same
     * transaction (see {@link Hub}'s register). Returns {@link Memberships#position}'s answer: the
     * room's last seq; -1 no such room, -2 not for this user, and then nothing is written.
     */
    long joined(String roomId, Caller who, String connection) throws SQLException {
        return Sql.inTransaction(c -> {
            long position = Memberships.position(c, roomId, who.id());
            if (position >= 0) {
                Sql.execute(c, """
                        INSERT INTO presence (node_id, room_id, user_id, username, connections) VALUES (?, ?, ?, ?, 1)
                        ON CONFLICT (node_id, room_id, user_id)
                        DO UPDATE SET connections = presence.connections + 1, heartbeat_at = now()""",
                        nodeId, roomId, who.id(), who.username());
                announce(c, "join", roomId, who, connection);
            }
            return position;
        });
    }

    /** The connection {@code connection} of {@code who} left {@code roomId} on this node. */
    void left(String roomId, Caller who, String connection) throws SQLException {
        Sql.inTransaction(c -> {
            Sql.execute(c, "DELETE FROM presence WHERE node_id = ? AND room_id = ? AND user_id = ? AND connections = 1",
                    nodeId, roomId, who.id());
            Sql.execute(c, """
                    UPDATE presence SET connections = connections - 1
                     WHERE node_id = ? AND room_id = ? AND user_id = ? AND connections > 1""",
                    nodeId, roomId, who.id());
            announce(c, "leave", roomId, who, connection);
            return null;
        });
    }

    private static void announce(Connection c, String type, String roomId, Caller who, String connection)
            throws SQLException {
        String frame = Frames.encode(new ChatEvent(type, roomId, who.id(), who.username(), MessageStore.now().toInstant()));
        Bus.publish(c, CHANNEL, new Announcement(roomId, connection, frame).payload());
    }

    /** Marks this node's rows alive, and purges the rows of nodes that stopped beating. */
    void heartbeat() throws SQLException {
        Sql.execute("UPDATE presence SET heartbeat_at = now() WHERE node_id = ?", nodeId);
        Sql.execute("DELETE FROM presence WHERE heartbeat_at < now() - make_interval(secs => ?)", EXPIRY_SECONDS);
    }

    /** Forgets this node's rows of an earlier run (it starts with no connection). */
    void clear() throws SQLException {
        Sql.execute("DELETE FROM presence WHERE node_id = ?", nodeId);
    }
}
