package org.gochat.chat.boundary;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import org.gochat.chat.control.Hub;
import org.gochat.chat.control.Member;
import org.gochat.web.Caller;

/**
 * {@code /chat/ws/joinRoom/{roomId}}: one instance per connection. The handshake has been checked
 * by {@link JoinRoomFilter}; everything else is the hub's. (A bean-defining annotation, so that
 * the container injects into it.)
 */
@Dependent
@ServerEndpoint(value = "/ws/joinRoom/{roomId}", configurator = ChatEndpoint.Handshake.class)
public class ChatEndpoint {

    /** Text messages over 16 KiB (UTF-8, all frames of the message together) close the connection with 1009. */
    static final int MAX_TEXT_BYTES = 16 * 1024;

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());
    private static final String CALLER = Caller.class.getName();

    /** Copies the caller that the filter verified into the connection's properties. */
    public static class Handshake extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            if (request.getUserPrincipal() instanceof JoinRoomFilter.CallerPrincipal p) {
                config.getUserProperties().put(CALLER, p.caller());
            }
        }
    }

    @Inject
    Hub hub;

    private Member member;
    /** The frames of a text message so far, and their size in bytes (the container calls one at a time). */
    private final StringBuilder parts = new StringBuilder();
    private int partsBytes;

    /** The {@code since} parameter: absent, or a seq of 0 or more (400 otherwise). */
    static Long since(String value) {
        return Params.longIn("since", value, 0, Long.MAX_VALUE, null);
    }

    @OnOpen
    public void open(Session session, EndpointConfig config, @PathParam("roomId") String roomId) throws Exception {
        Caller caller = (Caller) config.getUserProperties().get(CALLER);
        if (caller == null) { // not through the filter: refuse
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "A valid token is required."));
            return;
        }
        List<String> since = session.getRequestParameterMap().get("since");
        member = hub.join(session, caller, roomId, since == null || since.isEmpty() ? null : since(since.get(0)));
    }

    /**
     * Text arrives frame by frame, so that the size limit is ours: the container's own limit
     * (maxMessageSize) fails to send its 1009 close frame.
     */
    @OnMessage
    public void text(String part, boolean last) {
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
        hub.receive(member, text);
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

    @OnMessage
    public void binary(ByteBuffer data) {
        hub.refuseBinary(member);
    }

    @OnClose
    public void close() {
        if (member != null) {
            hub.leave(member);
        }
    }

    @OnError
    public void error(Throwable t) {
        LOG.log(Level.FINE, "WebSocket error", t);
    }
}
