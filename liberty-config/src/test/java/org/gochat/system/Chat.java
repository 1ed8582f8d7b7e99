package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;

/** What the chat system tests do over HTTP: sign up users, create rooms, open sockets. */
final class Chat {

    /** A new user, connected to a new room of its own. */
    record Alone(User user, String room, ChatSocket socket) {
    }

    private Chat() {
    }

    static Alone aloneInANewRoom() {
        User user = register();
        String room = createRoom(user);
        return new Alone(user, room, join(user, room));
    }

    static URI base() {
        return GochatSystem.server().uri("");
    }

    static User register() {
        return register(GochatSystem.server());
    }

    /** Signs up a new user on this server. */
    static User register(LibertyServer server) {
        return User.register(server.uri(""));
    }

    static Http.Response post(String path, User user, String body) {
        return post(GochatSystem.server(), path, user, body);
    }

    static Http.Response post(LibertyServer server, String path, User user, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            b.header("Authorization", "Bearer " + user.token());
        }
        return Http.send(b);
    }

    static Http.Response get(String path, User user) {
        return get(GochatSystem.server(), path, user);
    }

    static Http.Response get(LibertyServer server, String path, User user) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).GET();
        if (user != null) {
            b.header("Authorization", "Bearer " + user.token());
        }
        return Http.send(b);
    }

    /** A request with this method and JSON body (none when null), with the user's token (none when null). */
    static Http.Response call(LibertyServer server, String method, String path, User user, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (user != null) {
            b.header("Authorization", "Bearer " + user.token());
        }
        return Http.send(b);
    }

    /** Edits message {@code seq} of the room to {@code content} (a JSON string is built from it). */
    static Http.Response edit(LibertyServer server, User user, String room, long seq, String content) {
        return call(server, "PATCH", "/chat/ws/rooms/" + room + "/messages/" + seq, user,
                jakarta.json.Json.createObjectBuilder().add("content", content).build().toString());
    }

    static Http.Response edit(User user, String room, long seq, String content) {
        return edit(GochatSystem.server(), user, room, seq, content);
    }

    static Http.Response deleteMessage(LibertyServer server, User user, String room, long seq) {
        return call(server, "DELETE", "/chat/ws/rooms/" + room + "/messages/" + seq, user, null);
    }

    static Http.Response deleteMessage(User user, String room, long seq) {
        return deleteMessage(GochatSystem.server(), user, room, seq);
    }

    /** The room's history (up to 100 events), ascending. */
    static List<JsonObject> history(User user, String room) {
        Http.Response r = get("/chat/ws/rooms/" + room + "/messages?limit=100", user);
        assertEquals(200, r.status(), r.body());
        return r.jsonArray().stream().map(jakarta.json.JsonValue::asJsonObject).toList();
    }

    static Http.Response call(String method, String path, User user, String body) {
        return call(GochatSystem.server(), method, path, user, body);
    }

    /** Creates a room of this visibility (public or private) with a fresh id; returns the id. */
    static String createRoom(LibertyServer server, User user, String visibility) {
        String id = "r-" + UUID.randomUUID();
        Http.Response r = post(server, "/chat/ws/createRoom", user,
                "{\"id\":\"" + id + "\",\"name\":\"Room " + id + "\",\"visibility\":\"" + visibility + "\"}");
        assertEquals(201, r.status(), r.body());
        return id;
    }

    /** Creates a room with a fresh id; returns the id. */
    static String createRoom(User user) {
        return createRoom(GochatSystem.server(), user);
    }

    static String createRoom(LibertyServer server, User user) {
        String id = "r-" + UUID.randomUUID();
        Http.Response r = post(server, "/chat/ws/createRoom", user, "{\"id\":\"" + id + "\",\"name\":\"Room " + id + "\"}");
        assertEquals(201, r.status(), r.body());
        return id;
    }

    /** A started thread doing this work (for clients that send at the same time). */
    static Thread started(Runnable work) {
        Thread t = new Thread(work);
        t.start();
        return t;
    }

    static ChatSocket join(User user, String room) {
        return ChatSocket.open(base(), room, "", user.bearer());
    }

    static ChatSocket join(User user, String room, long since) {
        return join(GochatSystem.server(), user, room, since);
    }

    /** Joins the room on this server; a negative {@code since} joins without replay. */
    static ChatSocket join(LibertyServer server, User user, String room, long since) {
        return ChatSocket.open(server.uri(""), room, since < 0 ? "" : "?since=" + since, user.bearer());
    }

    static List<Long> seqs(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getJsonNumber("seq").longValueExact()).toList();
    }

    /** The number of messages the room has stored, read from the database, which must hold seqs 1 to that number. */
    static long storedMessages(String room) throws SQLException {
        long count = Social.number("SELECT count(*) FROM messages WHERE room_id = ?", room);
        assertEquals(count, Social.number("SELECT coalesce(max(seq), 0) FROM messages WHERE room_id = ?", room),
                "stored seqs have no gaps");
        return count;
    }
}
