package org.gochat.chat.boundary;

import java.io.IOException;
import java.security.Principal;
import java.util.Arrays;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.gochat.chat.control.Memberships;
import org.gochat.chat.control.UserLimits;
import org.gochat.web.Authentication;
import org.gochat.web.Caller;
import org.gochat.web.Origins;
import org.gochat.web.ProblemException;

/**
 * The rules of the WebSocket handshake, applied before the upgrade so that a refusal is a plain
 * HTTP answer (problem+json): no valid token 401, a foreign {@code Origin} 403, an unknown room
 * 404 (and a private or direct room the caller is not a member of: the same 404), a user banned
 * from the room 403, a bad {@code since} 400, a request that passes these but asks for no upgrade
 * 426 (the container would answer it with a bare 404), and a user with all their connections open
 * 429 (see {@link UserLimits}). A handshake that passes the room's rules makes the caller a member
 * of a public room (see {@link Memberships#enter}). The user socket {@code /ws/me} has no room: the
 * same rules without the room's.
 * The token is checked by {@link Authentication}, the same check as every route's
 * ({@code AuthenticationFilter}); the verified {@link Caller} travels to the endpoint as the
 * request's principal (see {@link ChatEndpoint.Handshake}).
 */
@WebFilter(urlPatterns = {"/ws/joinRoom/*", "/ws/me"})
public class JoinRoomFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final String PREFIX = "/ws/joinRoom/";

    @Inject
    Memberships memberships;

    @Inject
    UserLimits limits;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Caller caller;
        Memberships.Admission admission = null; // the user socket has no room
        try {
            caller = Authentication.require(request);
            if (!Origins.allowed(request)) {
                throw ProblemException.forbidden("WebSockets from this origin are not allowed.");
            }
            String path = request.getRequestURI().substring(request.getContextPath().length());
            String roomId = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : null;
            boolean upgrade = asksForWebSocket(request);
            if (roomId != null) {
                if (!RoomsResource.ROOM_ID.matcher(roomId).matches()) {
                    throw Memberships.notFound(roomId);
                }
                // One transaction decides the room's answers (404, 403) and, for a handshake that
                // passes the rest, joins and reads the position; a bad since is answered after them.
                ProblemException badSince = null;
                try {
                    ChatEndpoint.since(request.getParameter("since"));
                } catch (ProblemException e) {
                    badSince = e;
                }
                admission = memberships.enter(roomId, caller, upgrade && badSince == null);
                refuse(admission.entry(), roomId);
                if (badSince != null) {
                    throw badSince;
                }
            }
            if (!upgrade) {
                throw ProblemException.upgradeRequired("Open it with a WebSocket handshake (Upgrade: websocket).");
            }
            limits.openConnection(caller.id()).ifPresent(seconds -> {
                throw ProblemException.tooManyRequests("You have as many chat connections open as one user may.", seconds);
            });
        } catch (ProblemException e) {
            e.send(response);
            return;
        }
        ChatEndpoint.Joining joining = new ChatEndpoint.Joining(caller, admission);
        try {
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return joining;
                }

                /**
                 * No HTTP session: the container's handshake asks for one (it would make one per
                 * connection, and keep it), and GoChat keeps nothing in sessions.
                 */
                @Override
                public HttpSession getSession() {
                    return getSession(false);
                }
            }, response);
        } finally {
            // Upgraded, the connection is the endpoint's, which gives it back when it closes.
            if (response.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
                limits.connectionClosed(caller.id());
            }
        }
    }

    private static void refuse(Memberships.Entry entry, String roomId) {
        switch (entry) {
            case NOT_FOUND -> throw Memberships.notFound(roomId);
            case BANNED -> throw ProblemException.forbidden("You are banned from this room.");
            case ALLOWED -> {
                // on
            }
        }
    }

    private static boolean asksForWebSocket(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && Arrays.stream(upgrade.split(",")).anyMatch(p -> p.trim().equalsIgnoreCase("websocket"));
    }
}
