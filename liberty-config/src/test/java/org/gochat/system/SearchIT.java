package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Search over real HTTP: matching the current text, newest first, paging, visibility, every refusal. */
@ExtendWith(GochatSystem.class)
class SearchIT {

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static List<JsonObject> found(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        return r.jsonArray().stream().map(JsonValue::asJsonObject).toList();
    }

    private static List<JsonObject> searchRoom(User user, String room, String query) {
        return found(Chat.get("/chat/ws/rooms/" + room + "/search?q=" + query, user));
    }

    @Test
    void aRoomsSearchFindsTheCurrentTextNewestFirstPageByPage() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        String word = "w" + UUID.randomUUID().toString().substring(0, 8);
        ChatSocket s = Chat.join(alice, room);
        s.sendAndAwait(word + " number ", 1, 25); // seqs 1-25
        s.sendAndAwait("something else ", 1, 3); // 26-28

        List<JsonObject> first = searchRoom(alice, room, word);
        assertEquals(LongStream.iterate(25, n -> n - 1).limit(20).boxed().toList(), Chat.seqs(first), "newest first, 20 by default");
        assertEquals("message", first.get(0).getString("type"));
        assertEquals(word + " number 25", first.get(0).getString("content"));
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L), Chat.seqs(searchRoom(alice, room, word + "&before=6")));
        assertEquals(List.of(25L, 24L), Chat.seqs(searchRoom(alice, room, word + "&limit=2")));
        assertEquals(25, searchRoom(alice, room, word + "&limit=100").size());
        assertEquals(List.of(7L), Chat.seqs(searchRoom(alice, room, q("\"" + word.toUpperCase() + " number 7\""))),
                "a quoted phrase, any case");
        assertEquals(24, searchRoom(alice, room, q(word + " -7") + "&limit=100").size(), "websearch syntax: -word");

        // Edited: found by its latest text only; deleted: never; edit events are never results.
        assertEquals(200, Chat.edit(alice, room, 10, "now about cherries").status());
        assertEquals(204, Chat.deleteMessage(alice, room, 11).status());
        List<JsonObject> all = searchRoom(alice, room, word + "&limit=100");
        assertEquals(23, all.size());
        assertTrue(all.stream().noneMatch(m -> m.getInt("seq") == 10 || m.getInt("seq") == 11));
        List<JsonObject> cherries = searchRoom(alice, room, "cherries");
        assertEquals(List.of(10L), Chat.seqs(cherries));
        assertTrue(cherries.get(0).containsKey("editedAt"));
        assertEquals(List.of(), searchRoom(alice, room, "no-such-word-" + UUID.randomUUID()));
        assertEquals(List.of(), searchRoom(alice, room, q("!!! ...")), "no words at all: nothing matches");
        s.close();
    }

    @Test
    void searchAcrossRoomsCoversTheRoomsTheCallerCreatedOrWroteInNewestFirstPagedBySentAt() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String word = "x" + UUID.randomUUID().toString().substring(0, 8);
        String alicesRoom = Chat.createRoom(alice);
        String bobsRoom = Chat.createRoom(bob);
        String bobsOtherRoom = Chat.createRoom(bob);
        ChatSocket a1 = Chat.join(alice, alicesRoom);
        a1.sendAndAwait(word + " in alice's room ", 1, 3);
        ChatSocket b1 = Chat.join(bob, bobsRoom);
        b1.sendAndAwait(word + " in bob's room ", 1, 3);
        ChatSocket a2 = Chat.join(alice, bobsRoom);
        a2.sendAndAwait("alice writes here too ", 1, 1);
        ChatSocket b2 = Chat.join(bob, bobsOtherRoom);
        b2.sendAndAwait(word + " where alice never wrote ", 1, 2);

        List<JsonObject> alices = found(Chat.get("/chat/ws/search?q=" + word, alice));
        assertEquals(6, alices.size());
        assertTrue(alices.stream().noneMatch(m -> m.getString("roomId").equals(bobsOtherRoom)), "not alice's room");
        List<java.time.Instant> times = alices.stream().map(m -> java.time.Instant.parse(m.getString("sentAt"))).toList();
        assertEquals(times.stream().sorted(java.util.Comparator.reverseOrder()).toList(), times, "newest first");
        assertEquals(5, found(Chat.get("/chat/ws/search?q=" + word, bob)).size(), "bob's two rooms (he created them)");

        // Messages sent in one burst share their millisecond: the full position of the last message
        // of a page starts the next one exactly; its time alone starts it after that millisecond.
        List<JsonObject> page1 = found(Chat.get("/chat/ws/search?q=" + word + "&limit=4", alice));
        JsonObject last = page1.get(3);
        List<JsonObject> page2 = found(Chat.get("/chat/ws/search?q=" + word + "&limit=4&before="
                + q(last.getString("sentAt")) + "&beforeRoom=" + last.getString("roomId") + "&beforeSeq="
                + last.getInt("seq"), alice));
        assertEquals(alices, java.util.stream.Stream.concat(page1.stream(), page2.stream()).toList(), "pages in order, nothing twice");
        java.time.Instant lastTime = java.time.Instant.parse(last.getString("sentAt"));
        assertEquals(alices.stream().filter(m -> java.time.Instant.parse(m.getString("sentAt")).isBefore(lastTime)).toList(),
                found(Chat.get("/chat/ws/search?q=" + word + "&limit=100&before=" + q(last.getString("sentAt")), alice)));

        // A room's search shows what its history shows (today: any room to any user); unknown rooms: 404.
        assertEquals(2, searchRoom(alice, bobsOtherRoom, word).size());
        assertProblem(Chat.get("/chat/ws/rooms/no-such-room-" + UUID.randomUUID() + "/search?q=" + word, alice), 404);
        List.of(a1, a2, b1, b2).forEach(ChatSocket::close);
    }

    @Test
    void badParametersAre400AndNoTokenIs401BeforeAnything() {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        for (String base : List.of("/chat/ws/rooms/" + room + "/search", "/chat/ws/search")) {
            for (String query : List.of("", "?q=", "?q=%20%20", "?q=" + "a".repeat(201), "?q=a%07b", "?q=a&limit=0",
                    "?q=a&limit=101", "?q=a&limit=x", "?q=a&before=x")) {
                assertProblem(Chat.get(base + query, alice), 400);
            }
            assertEquals(200, Chat.get(base + "?q=" + "a".repeat(200) + "&limit=100", alice).status());
            assertProblem(Chat.get(base + "?q=a", null), 401);
            assertProblem(Chat.get(base + "?q=", null), 401);
        }
        assertProblem(Chat.get("/chat/ws/rooms/" + room + "/search?q=a&before=0", alice), 400);
        assertProblem(Chat.get("/chat/ws/search?q=a&before=2026-13-01", alice), 400);
        String t = "2026-11-28T20:00:00.123Z";
        for (String partial : List.of("&beforeRoom=r1", "&beforeSeq=3", "&before=" + t + "&beforeRoom=r1",
                "&before=" + t + "&beforeSeq=3", "&beforeRoom=r1&beforeSeq=3", "&before=" + t + "&beforeRoom=r%201&beforeSeq=3",
                "&before=" + t + "&beforeRoom=r1&beforeSeq=0", "&before=" + t + "&beforeRoom=r1&beforeSeq=x")) {
            assertProblem(Chat.get("/chat/ws/search?q=a" + partial, alice), 400);
        }
        assertEquals(200, Chat.get("/chat/ws/search?q=a&before=" + t + "&beforeRoom=r1&beforeSeq=3", alice).status());
        assertEquals(200, Chat.get("/chat/ws/search?q=a&before=2026-11-28T20:00:00.123Z", alice).status());
        assertProblem(Chat.get("/chat/ws/rooms/no-such-room/search?q=a", null), 401);
    }
}
