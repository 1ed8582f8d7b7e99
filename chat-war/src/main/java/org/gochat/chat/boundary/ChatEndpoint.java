package org.gochat.chat.boundary;

import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;

import org.gochat.chat.control.Hub;
import org.gochat.chat.control.Member;
import org.gochat.chat.control.Memberships;
import org.gochat.chat.control.UserLimits;
import org.gochat.web.Caller;
import org.gochat.web.Params;

/**
 * {@code /chat/ws/joinRoom/{roomId}}, and the user socket {@code /chat/ws/me}: one instance per
 * connection. The handshake has been checked by {@link JoinRoomFilter}; everything else is the
 * hub's. The user socket takes no messages (text frames are read within the size limit and
 * dropped; the client's pings are answered by the container).
 * <p>
 * A programmatic endpoint, not an annotated one, because of the size limit: Liberty compares each
 * frame's declared length with the session's maximum as soon as it has read the frame's header, and
 * closes with 1009 before reading the payload, but for annotated endpoints only when they take
 * whole messages, and then a message's frames pile up without limit. So: text in parts, the
 * session's maximum bounding every frame, and the sum of a message's parts checked here.
 */
public class ChatEndpoint extends Endpoint {

    /** Text messages over 16 KiB (UTF-8, all frames of the message together) close the connection with 1009. */
    static final int MAX_TEXT_BYTES = 16 * 1024;
    static final String PATH = "/ws/joinRoom/{roomId}";
    static final String USER_PATH = "/ws/me";

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());
    private static final String CALLER = Caller.class.getName();
    private static final String ADMISSION = Joining.class.getName() + ".admission";

    /** Deploys this endpoint, and the annotated ones the container found (none in the service itself). */
    public static class Deployment implements ServerApplicationConfig {
        @Override
        public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> scanned) {
            return Set.of(ServerEndpointConfig.Builder.create(ChatEndpoint.class, PATH).configurator(new Handshake()).build(),
                    ServerEndpointConfig.Builder.create(ChatEndpoint.class, USER_PATH).configurator(new Handshake()).build());
        }

        @Override
        public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
            return scanned;
        }
    }

    /**
     * What the filter hands over as the request's principal: the caller it verified, and for a room
     * its admission (null for the user socket): the room's last seq when it let the handshake through
     * (the connection's position: it receives every message stored after it, however long the server
     * takes to open the connection) and the membership it was admitted under.
     */
    record Joining(Caller caller, Memberships.Admission admission) implements Principal {
        @Override
        public String getName() {
            return caller.getName();
        }
    }

    /** Copies the caller and admission that the filter gave into the connection's properties; makes endpoints with the hub. */
    static class Handshake extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            if (request.getUserPrincipal() instanceof Joining joining) {
                config.getUserProperties().put(CALLER, joining.caller());
                config.getUserProperties().put(ADMISSION, joining.admission());
            }
        }

        /** The beans' client proxies, looked up on the first connection rather than on every one. */
        private volatile Hub hub;
        private volatile UserLimits limits;

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            if (hub == null) {
                CDI<Object> beans = CDI.current();
                limits = beans.select(UserLimits.class).get();
                hub = beans.select(Hub.class).get();
            }
            return endpointClass.cast(new ChatEndpoint(hub, limits));
        }
    }

    private final Hub hub;
    private final UserLimits limits;
    /** The caller, whose connection the filter took from their limit; null when it did not. */
    private Caller caller;
    private Member member;
    /** The frames of a text message so far, and their size in bytes (the container calls one at a time). */
    private final StringBuilder parts = new StringBuilder();
    private int partsBytes;

    ChatEndpoint(Hub hub, UserLimits limits) {
        this.hub = hub;
        this.limits = limits;
    }

    /** The {@code since} parameter: absent, or a seq of 0 or more (400 otherwise). */
    static Long since(String value) {
        return Params.longIn("since", value, 0, Long.MAX_VALUE, null);
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // Frames declaring more are refused with 1009 from their header, before their payload is read.
        session.setMaxTextMessageBufferSize(MAX_TEXT_BYTES);
        session.setMaxBinaryMessageBufferSize(MAX_TEXT_BYTES);
        caller = (Caller) config.getUserProperties().get(CALLER);
        if (caller == null) { // not through the filter: refuse
            close(session, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "A valid token is required."));
            return;
        }
        String roomId = session.getPathParameters().get("roomId");
        if (roomId == null) {
            member = hub.joinUser(session, caller);
        } else {
            List<String> since = session.getRequestParameterMap().get("since");
            member = hub.join(session, caller, (Memberships.Admission) config.getUserProperties().get(ADMISSION), roomId,
                    since == null || since.isEmpty() ? null : since(since.get(0)));
        }
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::text);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (data, last) -> hub.refuseBinary(member));
    }

    private void text(String part, boolean last) {
        partsBytes += utf8Length(part);
        if (partsBytes > MAX_TEXT_BYTES) {
            parts.setLength(0);
            hub.refuseTooLarge(member);
            return;
        }
        if (!last) {
            parts.append(part);
            return;
        }
        String text = parts.isEmpty() ? part : parts.append(part).toString();
        parts.setLength(0);
        partsBytes = 0;
        if (!member.isUserSocket()) {
            hub.receive(member, text);
        }
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        Member m = Member.of(session); // not the field: the hub may close it before onOpen has returned
        if (m != null) {
            hub.leave(m, reason.getCloseCode().getCode());
        }
        if (caller != null) {
            limits.connectionClosed(caller.id());
        }
    }

    @Override
    public void onError(Session session, Throwable t) {
        LOG.log(Level.FINE, "WebSocket error", t);
    }

    private static void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (java.io.IOException e) {
            LOG.log(Level.FINE, "close failed", e);
        }
    }
}
