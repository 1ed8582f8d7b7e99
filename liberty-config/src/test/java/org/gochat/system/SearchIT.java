package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;

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
        List<Instant> times = alices.stream().map(m -> Instant.parse(m.getString("sentAt"))).toList();
        assertEquals(times.stream().sorted(Comparator.reverseOrder()).toList(), times, "newest first");
        assertEquals(5, found(Chat.get("/chat/ws/search?q=" + word, bob)).size(), "bob's two rooms (he created them)");

        // Messages sent in one burst share their millisecond: the full position of the last message
        // of a page starts the next one exactly; its time alone starts it after that millisecond.
        List<JsonObject> page1 = found(Chat.get("/chat/ws/search?q=" + word + "&limit=4", alice));
        JsonObject last = page1.get(3);
        List<JsonObject> page2 = found(Chat.get("/chat/ws/search?q=" + word + "&limit=4&before="
                + q(last.getString("sentAt")) + "&beforeRoom=" + last.getString("roomId") + "&beforeSeq="
                + last.getInt("seq"), alice));
        assertEquals(alices, Stream.concat(page1.stream(), page2.stream()).toList(), "pages in order, nothing twice");
        Instant lastTime = Instant.parse(last.getString("sentAt"));
        assertEquals(alices.stream().filter(m -> Instant.parse(m.getString("sentAt")).isBefore(lastTime)).toList(),
                found(Chat.get("/chat/ws/search?q=" + word + "&limit=100&before=" + q(last.getString("sentAt")), alice)));

        // A room's search shows what its history shows (today: any room to any user); unknown rooms: 404.
        assertEquals(2, searchRoom(alice, bobsOtherRoom, word).size());
        assertProblem(Chat.get("/chat/ws/rooms/no-such-room-" + UUID.randomUUID() + "/search?q=" + word, alice), 404);
        List.of(a1, a2, b1, b2).forEach(ChatSocket::close);
    }

    /** Where a message is in a search across rooms' order: by time, then room and seq, all descending. */
    private record Position(long millis, String roomId, long seq) {
        static final Comparator<Position> NEWEST_FIRST = Comparator.comparingLong(Position::millis)
                .thenComparing(Position::roomId).thenComparingLong(Position::seq).reversed();
    }

    private static List<String> positions(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getString("roomId") + "#" + m.getInt("seq")).toList();
    }

    private static List<String> positionsOf(List<Position> expected) {
        return expected.stream().map(p -> p.roomId() + "#" + p.seq()).toList();
    }

    /**
     * Writes messages 1 to {@code n} of a new room straight to the table (as the hub would have stored
     * them, seqs and message numbers from 1), message {@code i} sent {@code i} ms after {@code start},
     * each saying {@code word} and its number.
     */
    private static void seed(String room, User author, String word, int n, Instant start) throws Exception {
        Social.execute("""
                INSERT INTO messages (room_id, seq, message_no, user_id, username, content, sent_at)
                SELECT ?, i, i, ?, ?, ? || ' number ' || i, ?::timestamptz + i * interval '1 millisecond'
                  FROM generate_series(1, ?) i""", room, author.id(), author.username(), word, start.toString(), n);
        Social.execute("UPDATE rooms SET last_seq = ?, message_count = ?, last_message_at = ?::timestamptz + ? * interval '1 millisecond'"
                + " WHERE id = ?", n, n, start.toString(), n, room);
    }

    /** The planner's estimate of the messages in all rooms matching {@code q}, as the search asks it. */
    private static long estimatedMatches(String q) throws Exception {
        try (Connection c = GochatSystem.postgres().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT 1 FROM messages WHERE kind = 'message' AND NOT deleted"
                        + " AND to_tsvector('simple', content) @@ websearch_to_tsquery('simple', ?)")) {
            ps.setString(1, q);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Matcher rows = Pattern.compile(" rows=(\\d+) ").matcher(rs.getString(1));
                assertTrue(rows.find(), rs.getString(1));
                return Long.parseLong(rows.group(1));
            }
        }
    }

    /**
     * A word in thousands of messages, more than the search sorts from the index (its planner
     * estimate is above {@code Search.SORTED_MATCHES}, 5,000): the search across rooms reads the
     * caller's messages backwards by time instead. The same order, ties, paging and visibility as the
     * sorted plan: only the caller's rooms (a private room once added, not after removal; never a
     * public room they are not in), the current text only.
     */
    @Test
    void aCommonWordIsSearchedNewestFirstAcrossTheCallersRoomsOnlyPageByPage() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String word = "c" + UUID.randomUUID().toString().substring(0, 8);
        int n = 2_000;
        String alicesPublic = Chat.createRoom(alice);
        String alicesPrivate = Chat.createRoom(GochatSystem.server(), alice, "private");
        String bobsPublic = Chat.createRoom(bob);
        String bobsPrivate = Chat.createRoom(GochatSystem.server(), bob, "private");
        // Message i of every room sent in the same millisecond: ties are ordered by room, then seq.
        Instant start = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        seed(alicesPublic, alice, word, n, start);
        seed(alicesPrivate, alice, word, n, start);
        seed(bobsPublic, bob, word, n, start);
        seed(bobsPrivate, bob, word, n, start);
        Social.execute("ANALYZE messages");
        assertTrue(estimatedMatches(word) > 5_000, "the planner must see the word as common: " + estimatedMatches(word));

        // The newest of alice's public room deleted, the next of her private room edited away from the word.
        assertEquals(204, Chat.deleteMessage(alice, alicesPublic, n).status());
        assertEquals(200, Chat.edit(alice, alicesPrivate, n - 1, "no longer the word").status());
        Function<List<String>, List<Position>> expected = rooms -> rooms.stream()
                .flatMap(room -> LongStream.rangeClosed(1, n).mapToObj(i -> new Position(i, room, i)))
                .filter(p -> !(p.roomId().equals(alicesPublic) && p.seq() == n) && !(p.roomId().equals(alicesPrivate) && p.seq() == n - 1))
                .sorted(Position.NEWEST_FIRST).toList();
        List<Position> alices = expected.apply(List.of(alicesPublic, alicesPrivate));

        // Three pages, each starting exactly after the last message of the one before.
        List<JsonObject> pages = new ArrayList<>();
        String from = "";
        for (int page = 0; page < 3; page++) {
            List<JsonObject> found = found(Chat.get("/chat/ws/search?q=" + word + "&limit=100" + from, alice));
            assertEquals(100, found.size());
            pages.addAll(found);
            JsonObject last = found.get(99);
            from = "&before=" + q(last.getString("sentAt")) + "&beforeRoom=" + last.getString("roomId") + "&beforeSeq=" + last.getInt("seq");
        }
        assertEquals(positionsOf(alices.subList(0, 300)), positions(pages), "newest first, ties by room then seq, nothing twice");
        assertTrue(pages.stream().allMatch(m -> m.getString("content").startsWith(word + " number ")));
        // A page from a time alone starts after every message of that millisecond.
        Instant t = start.plusMillis(n - 500);
        assertEquals(positionsOf(alices.stream().filter(p -> p.millis() < n - 500).limit(50).toList()),
                positions(found(Chat.get("/chat/ws/search?q=" + word + "&limit=50&before=" + q(t.toString()), alice))));

        // Bob's private room: not alice's to search, until he adds her, and no longer once he removes her.
        assertProblem(Chat.get("/chat/ws/rooms/" + bobsPrivate + "/search?q=" + word, alice), 404);
        assertEquals(201, Chat.call("PUT", "/chat/ws/rooms/" + bobsPrivate + "/members/" + alice.id(), bob, null).status());
        assertEquals(positionsOf(expected.apply(List.of(alicesPublic, alicesPrivate, bobsPrivate)).subList(0, 100)),
                positions(found(Chat.get("/chat/ws/search?q=" + word + "&limit=100", alice))));
        assertEquals(List.of((long) n, n - 1L, n - 2L), Chat.seqs(searchRoom(alice, bobsPrivate, word + "&limit=3")));
        assertEquals(204, Chat.call("DELETE", "/chat/ws/rooms/" + bobsPrivate + "/members/" + alice.id(), bob, null).status());
        assertEquals(positionsOf(alices.subList(0, 100)), positions(found(Chat.get("/chat/ws/search?q=" + word + "&limit=100", alice))));
        assertProblem(Chat.get("/chat/ws/rooms/" + bobsPrivate + "/search?q=" + word, alice), 404);

        // In one room the common word pages backwards by seq; a public room is searchable by anyone.
        assertEquals(List.of((long) n, n - 2L, n - 3L), Chat.seqs(searchRoom(alice, alicesPrivate, word + "&limit=3")));
        assertEquals(List.of(n - 4L, n - 5L), Chat.seqs(searchRoom(alice, alicesPrivate, word + "&limit=2&before=" + (n - 3))));
        assertEquals(List.of((long) n), Chat.seqs(searchRoom(alice, bobsPublic, word + "&limit=1")));
        assertEquals(positionsOf(expected.apply(List.of(bobsPublic, bobsPrivate)).subList(0, 100)),
                positions(found(Chat.get("/chat/ws/search?q=" + word + "&limit=100", bob))));
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
