package org.gochat.system;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rooms with members (API.md): visibility, members and roles, direct rooms, read markers, the inbox. */
@ExtendWith(GochatSystem.class)
class RoomMembersIT {

    // ---- a private room does not exist for a non-member

    @Test
    void aPrivateRoomIsAnUnknownRoomForANonMemberOnEveryRoute() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(GochatSystem.server(), alice, "private");
        ChatSocket a = Chat.join(alice, room, 0);
        a.sendAndAwait("secret ", 1, 3);
        String unknown = "r-" + UUID.randomUUID();

        assertFalse(listed(bob, room), "getRooms lists it only to members");
        for (String[] route : routes(bob)) {
            Http.Response hidden = Chat.call(route[0], route[1].replace("{room}", room), bob, route[2]);
            Http.Response none = Chat.call(route[0], route[1].replace("{room}", unknown), bob, route[2]);
            assertProblem(hidden, 404);
            assertEquals(none.status(), hidden.status(), route[0] + " " + route[1]);
            assertEquals(none.body().replace(unknown, room), hidden.body(), "the same answer as for an unknown id: " + route[1]);
        }
        for (String since : List.of("", "?since=0")) {
            ChatSocket.HandshakeFailed f = assertThrows(ChatSocket.HandshakeFailed.class,
                    () -> ChatSocket.open(Chat.base(), room, since, bob.bearer()));
            assertEquals(404, f.refused.status());
            ChatSocket.HandshakeFailed n = assertThrows(ChatSocket.HandshakeFailed.class,
                    () -> ChatSocket.open(Chat.base(), unknown, since, bob.bearer()));
            assertEquals(n.refused.body().replace(unknown, room), f.refused.body());
        }

        // Once added, it exists for them, history and replay included.
        assertEquals(201, Chat.call("PUT", "/chat/ws/rooms/" + room + "/members/" + bob.id(), alice, null).status());
        assertTrue(listed(bob, room));
        assertEquals(3, Chat.get("/chat/ws/rooms/" + room + "/messages", bob).jsonArray().size());
        ChatSocket b = Chat.join(bob, room, 0);
        assertEquals(List.of(1L, 2L, 3L), Chat.seqs(b.next("message", 3, 10)));
        JsonObject added = a.next("member", 1, 10).get(0);
        assertEquals(Set.of("type", "roomId", "userId", "username", "role", "action"), added.keySet());
        assertEquals(bob.id(), added.getJsonNumber("userId").longValueExact());
        assertEquals("added", added.getString("action"));
        assertEquals("member", added.getString("role"));
        a.close();
        b.close();
    }

    /** Every route that takes a room id, as {method, path, body}. */
    private static List<String[]> routes(User other) {
        return List.of(
                new String[] {"GET", "/chat/ws/getClients/{room}", null},
                new String[] {"GET", "/chat/ws/rooms/{room}/messages", null},
                new String[] {"GET", "/chat/ws/rooms/{room}/members", null},
                new String[] {"PUT", "/chat/ws/rooms/{room}/members/" + other.id(), null},
                new String[] {"PUT", "/chat/ws/rooms/{room}/members/" + other.id(), "{\"role\":\"member\"}"},
                new String[] {"DELETE", "/chat/ws/rooms/{room}/members/" + other.id(), null},
                new String[] {"DELETE", "/chat/ws/rooms/{room}", null},
                new String[] {"PUT", "/chat/ws/rooms/{room}/read", "{\"seq\":1}"});
    }

    private static boolean listed(User user, String room) {
        return Chat.get("/chat/ws/getRooms", user).jsonArray().getValuesAs(JsonObject.class).stream()
                .anyMatch(r -> r.getString("id").equals(room));
    }

    @Test
    void createRoomTakesAVisibilityAndTheCreatorOwnsTheRoom() {
        User alice = Chat.register();
        String id = "r-" + UUID.randomUUID();
        Http.Response r = Chat.post("/chat/ws/createRoom", alice, "{\"id\":\"" + id + "\",\"name\":\"P\",\"visibility\":\"private\"}");
        assertEquals(201, r.status(), r.body());
        assertEquals("private", r.json().getString("visibility"));
        JsonArray members = Chat.get("/chat/ws/rooms/" + id + "/members", alice).jsonArray();
        assertEquals(1, members.size());
        JsonObject owner = members.getJsonObject(0);
        assertEquals(Set.of("id", "username", "role", "joinedAt"), owner.keySet());
        assertEquals(alice.id(), owner.getJsonNumber("id").longValueExact());
        assertEquals("owner", owner.getString("role"));
        JsonObject listed = Chat.get("/chat/ws/getRooms?after=" + id.substring(0, id.length() - 1) + "&limit=5", alice)
                .jsonArray().getValuesAs(JsonObject.class).stream().filter(o -> o.getString("id").equals(id)).findFirst().orElseThrow();
        assertEquals("private", listed.getString("visibility"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"direct\"", "\"secret\"", "\"\"", "5", "true"})
    void createRoomRefusesOtherVisibilitiesWith400(String visibility) {
        assertProblem(Chat.post("/chat/ws/createRoom", Chat.register(), "{\"name\":\"x\",\"visibility\":" + visibility + "}"), 400);
    }

    // ---- who may do what

    @Test
    void theRulesOfAPublicRoom() throws Exception {
        User owner = Chat.register();
        User mod = Chat.register();
        User carol = Chat.register();
        User dave = Chat.register();
        User eve = Chat.register();
        String room = Chat.createRoom(owner);
        String members = "/chat/ws/rooms/" + room + "/members/";

        // Anyone may read a public room's members, and add themselves (only as a member).
        assertEquals(200, Chat.get("/chat/ws/rooms/" + room + "/members", carol).status());
        assertProblem(Chat.call("PUT", members + mod.id(), mod, "{\"role\":\"moderator\"}"), 403);
        assertEquals(201, Chat.call("PUT", members + mod.id(), mod, null).status());
        assertEquals(200, Chat.call("PUT", members + mod.id(), mod, "{}").status(), "again: nothing changes");
        assertEquals(201, Chat.call("PUT", members + carol.id(), carol, "{\"role\":\"member\"}").status());
        assertProblem(Chat.call("PUT", members + dave.id(), carol, null), 403);

        // Only the owner makes moderators; moderators add anyone as a member.
        Http.Response promoted = Chat.call("PUT", members + mod.id(), owner, "{\"role\":\"moderator\"}");
        assertEquals(200, promoted.status(), promoted.body());
        assertEquals("moderator", promoted.json().getString("role"));
        assertEquals(201, Chat.call("PUT", members + dave.id(), mod, null).status());
        assertProblem(Chat.call("PUT", members + dave.id(), mod, "{\"role\":\"moderator\"}"), 403);
        assertProblem(Chat.call("PUT", members + owner.id(), owner, "{\"role\":\"member\"}"), 409);
        assertProblem(Chat.call("PUT", members + owner.id(), mod, "{\"role\":\"member\"}"), 409);

        // Removing: moderators remove members only; the owner cannot leave; anyone else may.
        assertProblem(Chat.call("DELETE", members + owner.id(), mod, null), 403);
        assertEquals(201, Chat.call("PUT", members + eve.id(), owner, "{\"role\":\"moderator\"}").status());
        assertProblem(Chat.call("DELETE", members + eve.id(), mod, null), 403);
        assertProblem(Chat.call("DELETE", members + dave.id(), carol, null), 403);
        assertEquals(204, Chat.call("DELETE", members + dave.id(), mod, null).status());
        assertProblem(Chat.call("DELETE", members + owner.id(), owner, null), 409);
        assertEquals(204, Chat.call("DELETE", members + carol.id(), carol, null).status(), "leaving");
        assertEquals(204, Chat.call("DELETE", members + eve.id(), owner, null).status());
        assertEquals(List.of(owner.id(), mod.id()).stream().sorted().toList(), memberIds(owner, room));

        // A ban: 403 on joining and on adding oneself, until the owner or a moderator adds them.
        assertEquals(204, Chat.call("DELETE", members + dave.id() + "?ban=true", mod, null).status());
        ChatSocket.HandshakeFailed refused = assertThrows(ChatSocket.HandshakeFailed.class, () -> Chat.join(dave, room));
        assertEquals(403, refused.refused.status());
        assertProblem(Chat.call("PUT", members + dave.id(), dave, null), 403);
        assertEquals(201, Chat.call("PUT", members + dave.id(), mod, null).status(), "adding lifts the ban");
        Chat.join(dave, room).close();

        // Deleting: the owner only.
        assertProblem(Chat.call("DELETE", "/chat/ws/rooms/" + room, mod, null), 403);
        assertProblem(Chat.call("DELETE", "/chat/ws/rooms/" + room, dave, null), 403);
        assertEquals(204, Chat.call("DELETE", "/chat/ws/rooms/" + room, owner, null).status());
        assertProblem(Chat.get("/chat/ws/rooms/" + room + "/members", owner), 404);
    }

    @Test
    void joiningAPublicRoomsSocketMakesTheCallerAMember() throws Exception {
        User owner = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(owner);
        ChatSocket b = Chat.join(bob, room);
        assertEquals(List.of(owner.id(), bob.id()).stream().sorted().toList(), memberIds(owner, room));
        b.close();
    }

    /** Joins share the room's lock: at once, each user becomes a member once and is announced once. */
    @Test
    void simultaneousHandshakesMakeEachCallerAMemberOnceAndAnnounceItOnce() throws Exception {
        User owner = Chat.register();
        String room = Chat.createRoom(owner);
        ChatSocket o = Chat.join(owner, room);
        List<User> users = IntStream.range(0, 8).mapToObj(i -> Chat.register()).toList();
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<ChatSocket> sockets = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (User u : users) {
            for (int i = 0; i < 2; i++) { // two sockets of each user at once
                threads.add(Chat.started(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    sockets.add(Chat.join(u, room));
                }));
            }
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(16, sockets.size());
        List<Long> expected = new ArrayList<>(users.stream().map(User::id).toList());
        expected.add(owner.id());
        assertEquals(expected.stream().sorted().toList(), memberIds(owner, room));
        List<Long> added = o.next("member", 8, 10).stream().map(m -> m.getJsonNumber("userId").longValueExact())
                .sorted().toList();
        assertEquals(users.stream().map(User::id).sorted().toList(), added);
        assertEquals(List.of(), o.next("member", 1, 1), "each user is announced once");
        sockets.forEach(ChatSocket::close);
        o.close();
    }

    @Test
    void theRulesOfAPrivateRoom() {
        User owner = Chat.register();
        User mod = Chat.register();
        User member = Chat.register();
        User other = Chat.register();
        String room = Chat.createRoom(GochatSystem.server(), owner, "private");
        String members = "/chat/ws/rooms/" + room + "/members/";

        assertEquals(201, Chat.call("PUT", members + mod.id(), owner, "{\"role\":\"moderator\"}").status());
        assertEquals(201, Chat.call("PUT", members + member.id(), mod, null).status());
        assertProblem(Chat.call("PUT", members + other.id(), member, null), 403);
        assertProblem(Chat.call("PUT", members + 999_999_999, owner, null), 404);
        assertProblem(Chat.call("DELETE", members + member.id() + "?ban=true", owner, null), 400);
        assertEquals(204, Chat.call("DELETE", members + member.id(), member, null).status(), "leaving");
        assertProblem(Chat.get("/chat/ws/rooms/" + room + "/messages", member), 404);
        assertProblem(Chat.call("PUT", members + member.id(), member, null), 404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"role\":\"owner\"}", "{\"role\":\"admin\"}", "{\"role\":5}", "[1]", "{\"role\":"})
    void putMemberRefusesBadBodiesWith400(String body) {
        User owner = Chat.register();
        String room = Chat.createRoom(owner);
        assertProblem(Chat.call("PUT", "/chat/ws/rooms/" + room + "/members/" + owner.id(), owner, body), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/members/abc", "/members/1.5", "/members/abc?ban=true"})
    void memberRoutesRefuseBadIdsWith400(String tail) {
        User owner = Chat.register();
        String room = Chat.createRoom(owner);
        assertProblem(Chat.call("PUT", "/chat/ws/rooms/" + room + tail, owner, null), 400);
        assertProblem(Chat.call("DELETE", "/chat/ws/rooms/" + room + tail, owner, null), 400);
    }

    @Test
    void banTakesTrueOrFalse() {
        User owner = Chat.register();
        String room = Chat.createRoom(owner);
        assertProblem(Chat.call("DELETE", "/chat/ws/rooms/" + room + "/members/" + Chat.register().id() + "?ban=yes", owner, null), 400);
    }

    @Test
    void membersArePagedByUserId() {
        User owner = Chat.register();
        String room = Chat.createRoom(owner);
        List<User> users = IntStream.range(0, 4).mapToObj(i -> Chat.register()).toList();
        users.forEach(u -> assertEquals(201, Chat.call("PUT", "/chat/ws/rooms/" + room + "/members/" + u.id(), u, null).status()));
        List<Long> all = memberIds(owner, room);
        assertEquals(5, all.size());
        assertEquals(all.stream().sorted().toList(), all);
        assertEquals(all.subList(1, 3), ids(Chat.get("/chat/ws/rooms/" + room + "/members?limit=2&after=" + all.get(0), owner)));
        for (String bad : List.of("?limit=0", "?limit=101", "?after=-1", "?after=x")) {
            assertProblem(Chat.get("/chat/ws/rooms/" + room + "/members" + bad, owner), 400);
        }
    }

    // ---- direct rooms

    @Test
    void aDirectRoomIsOnePerPairWhoeverAsksFirst() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        User carol = Chat.register();
        Http.Response first = Chat.call("POST", "/chat/ws/direct/" + bob.id(), alice, null);
        assertEquals(201, first.status(), first.body());
        JsonObject room = first.json();
        assertEquals("direct", room.getString("visibility"));
        Http.Response again = Chat.call("POST", "/chat/ws/direct/" + alice.id(), bob, null);
        assertEquals(200, again.status());
        assertEquals(room.getString("id"), again.json().getString("id"));
        String id = room.getString("id");

        assertProblem(Chat.call("POST", "/chat/ws/direct/" + alice.id(), alice, null), 400);
        assertProblem(Chat.call("POST", "/chat/ws/direct/999999999", alice, null), 404);
        assertProblem(Chat.call("POST", "/chat/ws/direct/x", alice, null), 400);
        assertProblem(Chat.get("/chat/ws/rooms/" + id + "/messages", carol), 404);
        assertProblem(Chat.call("PUT", "/chat/ws/rooms/" + id + "/members/" + carol.id(), carol, null), 404);
        assertProblem(Chat.call("PUT", "/chat/ws/rooms/" + id + "/members/" + carol.id(), alice, null), 403);
        assertProblem(Chat.call("DELETE", "/chat/ws/rooms/" + id + "/members/" + bob.id(), bob, null), 403);
        assertProblem(Chat.call("DELETE", "/chat/ws/rooms/" + id + "/members/" + bob.id(), alice, null), 403);

        ChatSocket a = Chat.join(alice, id, 0);
        ChatSocket b = Chat.join(bob, id, 0);
        a.send("hello bob");
        assertEquals("hello bob", b.next("message", 1, 10).get(0).getString("content"));
        a.close();
        b.close();

        // Both asking at the same moment: one room.
        User x = Chat.register();
        User y = Chat.register();
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
        List<Thread> threads = List.of(x, y).stream().map(u -> Chat.started(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Http.Response r = Chat.call("POST", "/chat/ws/direct/" + (u == x ? y : x).id(), u, null);
            answers.add(r.status() + " " + r.json().getString("id"));
        })).toList();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, answers.stream().map(s -> s.split(" ")[1]).distinct().count(), answers.toString());
        assertEquals(List.of("200", "201"), answers.stream().map(s -> s.split(" ")[0]).sorted().toList());
    }

    // ---- read markers and the inbox

    @Test
    void unreadCountsMessagesAfterTheMarkerAndOwnMessagesAreRead() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String quiet = Chat.createRoom(GochatSystem.server(), alice, "private");
        String older = Chat.createRoom(GochatSystem.server(), alice, "private");
        String room = Chat.createRoom(GochatSystem.server(), alice, "private");
        assertEquals(201, Chat.call("PUT", "/chat/ws/rooms/" + room + "/members/" + bob.id(), alice, null).status());
        ChatSocket a = Chat.join(alice, older, -1);
        a.sendAndAwait("old ", 1, 1);
        a.close();
        ChatSocket b = Chat.join(bob, room, -1);
        b.sendAndAwait("b", 1, 5);

        JsonArray inbox = Chat.get("/chat/ws/inbox", alice).jsonArray();
        assertEquals(List.of(room, older, quiet), inbox.getValuesAs(JsonObject.class).stream()
                .map(e -> e.getJsonObject("room").getString("id")).toList(), "newest message first, rooms without messages last");
        JsonObject entry = inbox.getJsonObject(0);
        assertEquals(Set.of("room", "role", "lastSeq", "readSeq", "unread", "lastMessage"), entry.keySet());
        assertEquals("owner", entry.getString("role"));
        assertEquals(5, entry.getInt("lastSeq"));
        assertEquals(0, entry.getInt("readSeq"));
        assertEquals(5, entry.getInt("unread"));
        assertEquals("b5", entry.getJsonObject("lastMessage").getString("content"));
        assertEquals(5, entry.getJsonObject("lastMessage").getInt("seq"));
        assertTrue(inbox.getJsonObject(2).isNull("lastMessage"));
        assertEquals(0, inbox.getJsonObject(1).getInt("unread"), "one's own messages are read");
        JsonObject bobs = Chat.get("/chat/ws/inbox", bob).jsonArray().getJsonObject(0);
        assertEquals(0, bobs.getInt("unread"));
        assertEquals(5, bobs.getInt("readSeq"));

        String read = "/chat/ws/rooms/" + room + "/read";
        assertEquals(204, Chat.call("PUT", read, alice, "{\"seq\":3}").status());
        assertEquals(2, entry(alice, room).getInt("unread"));
        assertEquals(204, Chat.call("PUT", read, alice, "{\"seq\":1}").status(), "a lower seq changes nothing");
        assertEquals(3, entry(alice, room).getInt("readSeq"));
        for (String bad : List.of("{\"seq\":6}", "{\"seq\":-1}", "{\"seq\":\"3\"}", "{\"seq\":1.5}", "{}", "{\"seq\":99999999999999999999}")) {
            assertProblem(Chat.call("PUT", read, alice, bad), 400);
        }
        String open = Chat.createRoom(alice);
        assertProblem(Chat.call("PUT", "/chat/ws/rooms/" + open + "/read", bob, "{\"seq\":0}"), 403);
        assertEquals(1, Chat.get("/chat/ws/inbox?limit=1", alice).jsonArray().size());
        for (String bad : List.of("?limit=0", "?limit=201", "?limit=x")) {
            assertProblem(Chat.get("/chat/ws/inbox" + bad, alice), 400);
        }
        b.close();
    }

    /** Four senders at once and one reader moving its marker from two clients: the counts add up. */
    @Test
    void unreadIsRightUnderConcurrentSendersAndMarkers() throws Exception {
        User reader = Chat.register();
        String room = Chat.createRoom(GochatSystem.server(), reader, "private");
        List<User> senders = IntStream.range(0, 4).mapToObj(i -> Chat.register()).toList();
        for (User s : senders) {
            assertEquals(201, Chat.call("PUT", "/chat/ws/rooms/" + room + "/members/" + s.id(), reader, null).status());
        }
        List<ChatSocket> sockets = senders.stream().map(s -> Chat.join(s, room, 0)).toList();
        int each = 50;
        List<Long> marks = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (ChatSocket s : sockets) {
            threads.add(Chat.started(() -> {
                for (int i = 0; i < each; i++) {
                    s.send("m" + i);
                }
            }));
        }
        for (int client = 0; client < 2; client++) {
            threads.add(Chat.started(() -> {
                for (int i = 0; i < 20; i++) {
                    long last = entry(reader, room).getJsonNumber("lastSeq").longValueExact();
                    long seq = ThreadLocalRandom.current().nextLong(last + 1);
                    Http.Response r = Chat.call("PUT", "/chat/ws/rooms/" + room + "/read", reader, "{\"seq\":" + seq + "}");
                    assertEquals(204, r.status(), r.body());
                    marks.add(seq);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (ChatSocket s : sockets) {
            assertEquals(each * senders.size(), s.next("message", each * senders.size(), 30).size());
            s.close();
        }
        JsonObject entry = entry(reader, room);
        long readSeq = entry.getJsonNumber("readSeq").longValueExact();
        assertEquals(marks.stream().mapToLong(Long::longValue).max().orElse(0), readSeq, "the highest marker wins");
        assertEquals(each * senders.size(), entry.getInt("lastSeq"));
        assertEquals(each * senders.size() - readSeq, entry.getInt("unread"));
        for (User s : senders) {
            long ownLast = Social.number("SELECT max(message_no) FROM messages WHERE room_id = ? AND user_id = ?", room, s.id());
            assertEquals(each * senders.size() - ownLast, entry(s, room).getInt("unread"),
                    "a sender has read up to their own last message");
        }
    }

    private static JsonObject entry(User user, String room) {
        return Chat.get("/chat/ws/inbox?limit=200", user).jsonArray().getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getJsonObject("room").getString("id").equals(room)).findFirst().orElseThrow();
    }

    // ---- consistency

    /** Role changes, removals and leaving at once, many times over: one owner, and the members the answers imply. */
    @Test
    void concurrentChangesLeaveOneConsistentState() throws Exception {
        User owner = Chat.register();
        String room = Chat.createRoom(owner);
        String members = "/chat/ws/rooms/" + room + "/members/";
        List<User> users = IntStream.range(0, 6).mapToObj(i -> Chat.register()).toList();
        users.forEach(u -> assertEquals(201, Chat.call("PUT", members + u.id(), u, null).status()));
        assertEquals(200, Chat.call("PUT", members + users.get(0).id(), owner, "{\"role\":\"moderator\"}").status());
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            threads.add(Chat.started(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 15; i++) {
                    User target = users.get(random.nextInt(users.size()));
                    User actor = random.nextBoolean() ? owner : users.get(0);
                    Http.Response r = switch (random.nextInt(4)) {
                        case 0 -> Chat.call("PUT", members + target.id(), owner,
                                "{\"role\":\"" + (random.nextBoolean() ? "moderator" : "member") + "\"}");
                        case 1 -> Chat.call("DELETE", members + target.id(), actor, null);
                        case 2 -> Chat.call("DELETE", members + target.id(), target, null);
                        default -> Chat.call("PUT", members + target.id(), target, null);
                    };
                    if (r.status() >= 500 || r.status() == 400) {
                        unexpected.add(r.status() + " " + r.body());
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), new ArrayList<>(unexpected));
        JsonArray list = Chat.get("/chat/ws/rooms/" + room + "/members", owner).jsonArray();
        List<JsonObject> owners = list.getValuesAs(JsonObject.class).stream().filter(m -> m.getString("role").equals("owner")).toList();
        assertEquals(1, owners.size(), list.toString());
        assertEquals(owner.id(), owners.get(0).getJsonNumber("id").longValueExact());
        assertEquals(list.size(), Social.number("SELECT count(*) FROM room_members WHERE room_id = ?", room));
    }

    // ---- removal, deletion and the old clients

    @Test
    void aRemovedMemberIsClosedWith4403AndReceivesNothingAfter() throws Exception {
        User owner = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(GochatSystem.server(), owner, "private");
        assertEquals(201, Chat.call("PUT", "/chat/ws/rooms/" + room + "/members/" + bob.id(), owner, null).status());
        ChatSocket o = Chat.join(owner, room, 0);
        ChatSocket b = Chat.join(bob, room, 0); // since=0: nothing is missed while its join is under way
        o.sendAndAwait("before ", 1, 3);
        assertEquals(3, b.next("message", 3, 10).size());

        long removedAt = System.nanoTime();
        assertEquals(204, Chat.call("DELETE", "/chat/ws/rooms/" + room + "/members/" + bob.id(), owner, null).status());
        o.send("after removal");
        assertEquals(4403, b.closeCode(2));
        assertTrue(System.nanoTime() - removedAt < 2_500_000_000L);
        assertTrue(b.remainingSeqs().isEmpty(), "nothing after the removal");
        JsonObject removed = o.next("member", 1, 10).get(0);
        assertEquals("removed", removed.getString("action"));
        assertEquals(bob.id(), removed.getJsonNumber("userId").longValueExact());
        o.close();
    }

    /**
     * A user who leaves a public room and opens a socket to it again joins it anew; the leave's notice,
     * should it arrive only after that (a loaded server, a slow bus), ends the membership it names and
     * not the new one. The late notice is replayed here on the bus as the leave sent it.
     */
    @Test
    void aRemovalAnnouncedLateDoesNotCloseTheConnectionOfALaterMembership() throws Exception {
        User owner = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(owner);
        ChatSocket o = Chat.join(owner, room);
        ChatSocket first = Chat.join(bob, room);
        long firstMembership = memberSince(room, bob);
        assertEquals(204, Chat.call("DELETE", "/chat/ws/rooms/" + room + "/members/" + bob.id(), bob, null).status());
        assertEquals(4403, first.closeCode(10));

        ChatSocket again = Chat.join(bob, room);
        long secondMembership = memberSince(room, bob);
        assertTrue(secondMembership > firstMembership, firstMembership + " then " + secondMembership);
        announceRemoval(room, bob, firstMembership, "late");
        // The notice's frame reaches the room's members after its closes are done.
        awaitMemberFrame(o, "late");
        again.send("still here");
        List<JsonObject> back = again.next("message", 1, 10);
        assertEquals(1, back.size(), "the late notice closed the new membership's connection: " + again.closed);
        assertEquals("still here", back.get(0).getString("content"));
        assertFalse(again.closed.isDone());

        announceRemoval(room, bob, secondMembership, "current");
        assertEquals(4403, again.closeCode(10), "the removal of the membership it was admitted under closes it");
        o.close();
    }

    /** Waits for the {@code member} frame with this action, skipping the others (the rejoin's). */
    private static void awaitMemberFrame(ChatSocket socket, String action) throws InterruptedException {
        while (true) {
            List<JsonObject> next = socket.next("member", 1, 10);
            if (next.isEmpty()) {
                throw new AssertionError("no member frame " + action);
            }
            if (action.equals(next.get(0).getString("action"))) {
                return;
            }
        }
    }

    /** The user's membership of the room as its notices name it: when it began, in microseconds. */
    private static long memberSince(String room, User user) throws Exception {
        try (Connection c = GochatSystem.postgres().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT (extract(epoch FROM joined_at) * 1000000)::bigint FROM room_members
                         WHERE room_id = ? AND user_id = ?""")) {
            ps.setString(1, room);
            ps.setLong(2, user.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "not a member");
                return rs.getLong(1);
            }
        }
    }

    /** Sends the bus notice of the user's removal from the room ending {@code membership}, with a frame marked {@code action}. */
    private static void announceRemoval(String room, User user, long membership, String action) throws Exception {
        String frame = "{\"type\":\"member\",\"roomId\":\"" + room + "\",\"userId\":" + user.id()
                + ",\"action\":\"" + action + "\"}";
        try (Connection c = GochatSystem.postgres().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify('gochat_members', ?)")) {
            ps.setString(1, "removed " + user.id() + " - 0 " + membership + " " + room + "\n" + frame);
            ps.execute();
        }
    }

    @Test
    void anOldClientKeepsWorkingOnAPublicRoom() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        User other = Chat.register();
        ChatSocket b = Chat.join(other, scene.room());
        scene.socket().send("plain text, as the original sent");
        assertEquals("plain text, as the original sent", b.next("message", 1, 10).get(0).getString("content"));
        assertEquals(1, Chat.get("/chat/ws/rooms/" + scene.room() + "/messages", other).jsonArray().size());
        scene.socket().close();
        b.close();
    }

    private static List<Long> memberIds(User user, String room) {
        return ids(Chat.get("/chat/ws/rooms/" + room + "/members?limit=100", user));
    }

    private static List<Long> ids(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        return r.jsonArray().getValuesAs(JsonObject.class).stream().map(o -> o.getJsonNumber("id").longValueExact()).toList();
    }
}
