package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rooms routes of chat-war over HTTP, as API.md promises them. */
@ExtendWith(GochatSystem.class)
class ChatRoomsIT {

    @ParameterizedTest
    @ValueSource(strings = {"/chat/ws/getRooms", "/chat/ws/getClients/lobby", "/chat/ws/rooms/lobby/messages"})
    void everyRoomsRouteWantsAToken(String path) {
        Http.Response r = Http.get(GochatSystem.server().uri(path));

        assertProblem(r, 401);
        assertEquals("Bearer", r.header("WWW-Authenticate"));
    }

    @Test
    void createRoomWithoutATokenIs401() {
        assertProblem(Chat.post("/chat/ws/createRoom", null, "{\"name\":\"x\"}"), 401);
    }

    @Test
    void createRoomAnswers201WithTheRoomAndNeverReplacesOne() {
        User alice = Chat.register();
        String id = "room_" + UUID.randomUUID().toString().substring(0, 8);
        Http.Response r = Chat.post("/chat/ws/createRoom", alice, "{\"id\":\"" + id + "\",\"name\":\"Lobby\"}");

        assertEquals(201, r.status(), r.body());
        JsonObject room = r.json();
        assertEquals(Set.of("id", "name", "visibility", "createdBy", "createdAt"), room.keySet());
        assertEquals("public", room.getString("visibility"), "public unless asked otherwise");
        assertEquals(id, room.getString("id"));
        assertEquals("Lobby", room.getString("name"));
        assertEquals(alice.id(), room.getJsonNumber("createdBy").longValueExact());
        Instant created = Instant.parse(room.getString("createdAt"));
        assertTrue(Duration.between(created, Instant.now()).abs().toSeconds() < 60, created.toString());

        Http.Response again = Chat.post("/chat/ws/createRoom", Chat.register(), "{\"id\":\"" + id + "\",\"name\":\"Other\"}");
        assertProblem(again, 409);
        JsonArray rooms = Chat.get("/chat/ws/getRooms", alice).jsonArray();
        assertEquals(1, rooms.stream().map(JsonObject.class::cast).filter(o -> o.getString("id").equals(id))
                .filter(o -> o.getString("name").equals("Lobby")).count(), "the first room stays");
    }

    @Test
    void createRoomGeneratesAnIdWhenNoneIsGiven() {
        Http.Response r = Chat.post("/chat/ws/createRoom", Chat.register(), "{\"name\":\"Anonymous\"}");

        assertEquals(201, r.status(), r.body());
        assertTrue(r.json().getString("id").matches("[A-Za-z0-9_-]{1,64}"), r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"name\":\"\"}", "{\"name\":\"   \"}", "{\"name\":5}", "{\"id\":\"a b\",\"name\":\"x\"}",
            "{\"id\":\"\",\"name\":\"x\"}", "{\"id\":7,\"name\":\"x\"}", "not json", "[1]", ""})
    void createRoomRefusesBadBodiesWith400(String body) {
        assertProblem(Chat.post("/chat/ws/createRoom", Chat.register(), body), 400);
    }

    @Test
    void createRoomChecksTheLengths() {
        User u = Chat.register();
        assertProblem(Chat.post("/chat/ws/createRoom", u, "{\"id\":\"" + "i".repeat(65) + "\",\"name\":\"x\"}"), 400);
        assertProblem(Chat.post("/chat/ws/createRoom", u, "{\"name\":\"" + "n".repeat(101) + "\"}"), 400);
        assertEquals(201, Chat.post("/chat/ws/createRoom", u,
                "{\"id\":\"" + UUID.randomUUID().toString().substring(0, 28) + "i".repeat(36) + "\",\"name\":\"" + "n".repeat(100) + "\"}").status());
    }

    @Test
    void getRoomsListsRoomsWithTheirConnectedUsers() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(alice);
        assertEquals(0, clientsOf(alice, room));

        ChatSocket a1 = Chat.join(alice, room);
        ChatSocket a2 = Chat.join(alice, room);
        ChatSocket b = Chat.join(bob, room);
        awaitClients(alice, room, 2);
        List<Long> ids = Chat.get("/chat/ws/getClients/" + room, alice).jsonArray().stream()
                .map(JsonObject.class::cast).map(o -> o.getJsonNumber("id").longValueExact()).toList();
        assertEquals(List.of(alice.id(), bob.id()).stream().sorted().toList(), ids, "each user once");
        JsonObject one = Chat.get("/chat/ws/getClients/" + room, alice).jsonArray().getJsonObject(0);
        assertEquals(Set.of("id", "username"), one.keySet());

        a1.close();
        a2.close();
        b.close();
        awaitClients(alice, room, 0);
    }

    @Test
    void getRoomsPagesByIdAndOldClientsGetTheFirstPage() {
        User u = Chat.register();
        String prefix = "pg" + UUID.randomUUID().toString().replace("-", "");
        for (String suffix : List.of("c", "a", "b")) {
            assertEquals(201, Chat.post("/chat/ws/createRoom", u, "{\"id\":\"" + prefix + suffix + "\",\"name\":\"" + suffix + "\"}").status());
        }
        assertEquals(List.of(prefix + "a", prefix + "b"), ids(Chat.get("/chat/ws/getRooms?limit=2&after=" + prefix, u)));
        assertEquals(prefix + "c", ids(Chat.get("/chat/ws/getRooms?limit=2&after=" + prefix + "b", u)).get(0));
        JsonObject room = Chat.get("/chat/ws/getRooms?limit=1&after=" + prefix, u).jsonArray().getJsonObject(0);
        assertEquals(Set.of("id", "name", "visibility", "clients"), room.keySet());
        assertEquals("a", room.getString("name"));

        List<String> all = ids(Chat.get("/chat/ws/getRooms", u));
        assertTrue(all.size() <= 500, "at most the default page");
        assertEquals(all, ids(Chat.get("/chat/ws/getRooms?limit=500", u)), "the default is a page of 500 from the first");
        assertEquals(all.subList(1, 3), ids(Chat.get("/chat/ws/getRooms?limit=2&after=" + all.get(0), u)), "in the order of after");
    }

    private static List<String> ids(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        return r.jsonArray().stream().map(JsonObject.class::cast).map(o -> o.getString("id")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"?limit=0", "?limit=501", "?limit=x", "?limit=1.5", "?after=a%20b", "?after=",
            "?after=iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"}) // 65
    void getRoomsRefusesBadPagingWith400(String query) {
        assertProblem(Chat.get("/chat/ws/getRooms" + query, Chat.register()), 400);
    }

    @Test
    void roomCreationIsRateLimitedPerUser() {
        User busy = Chat.register();
        double limitedBefore = MetricsIT.value(MetricsIT.applicationMetrics(), "gochat_rooms_createLimited_total");
        for (int i = 0; i < 10; i++) { // the default: 10 a minute
            Chat.createRoom(busy);
        }
        Http.Response r = Chat.post("/chat/ws/createRoom", busy, "{\"name\":\"one too many\"}");
        assertProblem(r, 429);
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, r.header("Retry-After"));
        assertTrue(MetricsIT.value(MetricsIT.applicationMetrics(), "gochat_rooms_createLimited_total") >= limitedBefore + 1);
        Chat.createRoom(Chat.register()); // another user is not affected
    }

    @Test
    void getClientsOfAnUnknownRoomIs404() {
        assertProblem(Chat.get("/chat/ws/getClients/no-such-room", Chat.register()), 404);
    }

    private static long clientsOf(User user, String room) {
        return Chat.get("/chat/ws/getRooms", user).jsonArray().stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("id").equals(room)).findFirst().orElseThrow()
                .getJsonNumber("clients").longValueExact();
    }

    private static void awaitClients(User user, String room, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (clientsOf(user, room) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(expected, clientsOf(user, room));
    }

    @Test
    void historyPagesBackwardsInAscendingOrder() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        User alice = scene.user();
        String room = scene.room();
        scene.socket().sendAndAwait("message ", 1, 120);
        scene.socket().close();

        JsonArray latest = Chat.get("/chat/ws/rooms/" + room + "/messages", alice).jsonArray();
        assertSeqs(latest, 71, 120);
        JsonObject m = latest.getJsonObject(0);
        assertEquals(Set.of("type", "roomId", "seq", "userId", "username", "content", "sentAt"), m.keySet());
        assertEquals("message 71", m.getString("content"));
        assertEquals(alice.username(), m.getString("username"));
        assertSeqs(Chat.get("/chat/ws/rooms/" + room + "/messages?before=71&limit=100", alice).jsonArray(), 1, 70);
        assertSeqs(Chat.get("/chat/ws/rooms/" + room + "/messages?before=11&limit=3", alice).jsonArray(), 8, 10);
        assertEquals(0, Chat.get("/chat/ws/rooms/" + room + "/messages?before=1", alice).jsonArray().size());
    }

    private static void assertSeqs(JsonArray messages, long from, long to) {
        assertEquals(to - from + 1, messages.size());
        for (int i = 0; i < messages.size(); i++) {
            assertEquals(from + i, messages.getJsonObject(i).getJsonNumber("seq").longValueExact());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"?limit=0", "?limit=101", "?limit=x", "?before=0", "?before=-3", "?before=abc", "?limit=1.5"})
    void historyRefusesBadPagingWith400(String query) {
        User u = Chat.register();
        assertProblem(Chat.get("/chat/ws/rooms/" + Chat.createRoom(u) + "/messages" + query, u), 400);
    }

    @Test
    void historyOfAnUnknownRoomIs404() {
        assertProblem(Chat.get("/chat/ws/rooms/no-such-room/messages", Chat.register()), 404);
    }
}
