package org.gochat.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import org.gochat.chat.control.Hub;
import org.gochat.chat.control.Member;
import org.gochat.chat.control.MessageStore;
import org.gochat.db.Database;
import org.gochat.web.Caller;

/**
 * Test fixture: joins the real hub like the chat endpoint does, as the user named by {@code ?user=},
 * without the token check of the handshake (that is the system tests' subject). That user (an
 * account with that id) is made a member of the room during the handshake, as the service's own
 * handshake does, since only members' messages are stored. With
 * {@code ?unchecked}, its text goes to the message store as it is, past the hub's checks, as data
 * the database may refuse.
 */
@Dependent
@ServerEndpoint(value = "/it/join/{roomId}", configurator = MemberEndpoint.FromCdi.class)
public class MemberEndpoint {

    /**
     * Takes the endpoint from CDI. Next to the service's programmatic endpoint (deployed by its
     * ServerApplicationConfig), Liberty creates annotated endpoints without CDI and cannot inject them.
     */
    public static class FromCdi extends ServerEndpointConfig.Configurator {
        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return CDI.current().select(endpointClass).get();
        }

        /** Before the handshake's answer, as the service's own handshake does: the user becomes a member. */
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            String path = request.getRequestURI().getPath();
            long user = Long.parseLong(request.getParameterMap().get("user").get(0));
            becomeMember(path.substring(path.lastIndexOf('/') + 1), user);
        }
    }

    @Inject
    Hub hub;

    @Inject
    MessageStore store;

    private Member member;
    private boolean unchecked;

    @OnOpen
    public void open(Session session, @PathParam("roomId") String roomId) {
        Map<String, List<String>> params = session.getRequestParameterMap();
        long user = Long.parseLong(params.get("user").get(0));
        Long since = params.containsKey("since") ? Long.valueOf(params.get("since").get(0)) : null;
        Caller caller = new Caller(user, "user" + user, "token-" + user, Instant.now().plusSeconds(3600));
        member = hub.join(session, caller, roomId, since);
        unchecked = params.containsKey("unchecked");
    }

    private static void becomeMember(String roomId, long user) {
        try (Connection c = Database.dataSource().getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO users (id, username, email, password_hash) OVERRIDING SYSTEM VALUE
                    VALUES (?, ?, ?, 'none') ON CONFLICT DO NOTHING""")) {
                ps.setLong(1, user);
                ps.setString(2, "user" + user);
                ps.setString(3, "user" + user + "@example.org");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO room_members (room_id, user_id, role) SELECT id, ?, 'member' FROM rooms WHERE id = ?
                    ON CONFLICT DO NOTHING""")) {
                ps.setLong(1, user);
                ps.setString(2, roomId);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @OnMessage
    public void text(String text) {
        if (unchecked) {
            store.submit(member.draft(text, null));
        } else {
            hub.receive(member, text);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        Member m = Member.of(session); // may run before open has its member (see Member.of)
        if (m != null) {
            hub.leave(m, reason.getCloseCode().getCode());
        }
    }
}
