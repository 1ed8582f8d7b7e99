package org.gochat.chat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import org.gochat.chat.control.Hub;
import org.gochat.chat.control.Member;
import org.gochat.web.Caller;

/**
 * Test fixture: joins the real hub like the chat endpoint does, as the user named by {@code ?user=},
 * without the token check of the handshake (that is the system tests' subject).
 */
@Dependent
@ServerEndpoint("/it/join/{roomId}")
public class MemberEndpoint {

    @Inject
    Hub hub;

    private Member member;

    @OnOpen
    public void open(Session session, @PathParam("roomId") String roomId) {
        Map<String, List<String>> params = session.getRequestParameterMap();
        long user = Long.parseLong(params.get("user").get(0));
        Long since = params.containsKey("since") ? Long.valueOf(params.get("since").get(0)) : null;
        Caller caller = new Caller(user, "user" + user, "token-" + user, Instant.now().plusSeconds(3600));
        member = hub.join(session, caller, roomId, since);
    }

    @OnMessage
    public void text(String text) {
        hub.receive(member, text);
    }

    @OnClose
    public void close() {
        hub.leave(member);
    }
}
