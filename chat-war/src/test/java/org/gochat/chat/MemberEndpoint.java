package org.gochat.chat;

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
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import org.gochat.chat.control.Hub;
import org.gochat.chat.control.Member;
import org.gochat.chat.control.MessageStore;
import org.gochat.web.Caller;

/**
 * Test fixture: joins the real hub like the chat endpoint does, as the user named by {@code ?user=},
 * without the token check of the handshake (that is the system tests' subject). With
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

    @OnMessage
    public void text(String text) {
        if (unchecked) {
            store.submit(member.draft(text, null));
        } else {
            hub.receive(member, text);
        }
    }

    @OnClose
    public void close(CloseReason reason) {
        hub.leave(member, reason.getCloseCode().getCode());
    }
}
