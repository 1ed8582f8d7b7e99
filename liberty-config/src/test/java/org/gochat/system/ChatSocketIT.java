package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;

import org.gochat.testkit.ChatSocket;
import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** joinRoom over real WebSockets: the handshake rules, the frames, the close codes of API.md. */
@ExtendWith(GochatSystem.class)
class ChatSocketIT {

    // ---- delivery

    @Test
    void threeClientsInEachOfTwoRoomsReceiveTheSameCompleteGaplessSequence() throws Exception {
        int each = 40;
        List<List<ChatSocket>> rooms = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            User owner = Chat.register();
            String room = Chat.createRoom(owner);
            List<ChatSocket> members = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                members.add(Chat.join(c == 0 ? owner : Chat.register(), room, 0));
            }
            rooms.add(members);
        }
        List<Thread> senders = new ArrayList<>();
        for (List<ChatSocket> members : rooms) {
            for (int c = 0; c < members.size(); c++) {
                ChatSocket s = members.get(c);
                String sender = "c" + c;
                senders.add(Chat.started(() -> {
                    for (int i = 0; i < each; i++) {
                        s.send("{\"content\":\" hello " + i + " \",\"clientMsgId\":\"" + sender + "-" + i + "\"}");
                    }
                }));
            }
        }
        for (Thread t : senders) {
            t.join();
        }
        for (List<ChatSocket> members : rooms) {
            List<String> reference = null;
            for (ChatSocket s : members) {
                List<JsonObject> got = s.next("message", 3 * each, 30);
                assertEquals(3 * each, got.size());
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < got.size(); i++) {
                    JsonObject m = got.get(i);
                    assertEquals(i + 1, m.getJsonNumber("seq").longValueExact());
                    assertTrue(m.getString("content").matches("hello \\d+"), "trimmed: " + m.getString("content"));
                    seen.add(m.getJsonNumber("seq") + " " + m.getString("clientMsgId") + " " + m.getString("username"));
                }
                for (int c = 0; c < 3; c++) {
                    String prefix = "c" + c + "-";
                    assertEquals(each, seen.stream().filter(x -> x.contains(" " + prefix)).count(), "own messages too");
                }
                if (reference == null) {
                    reference = seen;
                } else {
                    assertEquals(reference, seen);
                }
                assertNull(s.next(200), "nothing more");
            }
            members.forEach(ChatSocket::close);
        }
    }

    @Test
    void sinceReplaysStoredMessagesThenLiveOnesWithoutGapOrDuplicate() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        String room = scene.room();
        ChatSocket a = scene.socket();
        a.sendAndAwait("m", 1, 30);

        ChatSocket b = Chat.join(Chat.register(), room, 12);
        for (int i = 31; i <= 40; i++) {
            a.send("m" + i);
        }
        List<JsonObject> got = b.next("message", 28, 20);
        assertEquals(28, got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(13 + i, got.get(i).getJsonNumber("seq").longValueExact());
            assertEquals("m" + (13 + i), got.get(i).getString("content"));
        }
        assertNull(b.next(300));
        a.close();
        b.close();
    }

    @Test
    void joinAndLeaveGoToTheOtherMembersOnly() throws Exception {
        User alice = Chat.register();
        User bob = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket a = Chat.join(alice, room);
        Thread.sleep(300);
        ChatSocket b = Chat.join(bob, room);

        JsonObject join = a.next("join", 1, 10).get(0);
        assertEquals(Set.of("type", "roomId", "userId", "username", "sentAt"), join.keySet());
        assertEquals(bob.id(), join.getJsonNumber("userId").longValueExact());
        assertEquals(bob.username(), join.getString("username"));
        assertEquals(room, join.getString("roomId"));

        b.close();
        JsonObject leave = a.next("leave", 1, 10).get(0);
        assertEquals(bob.id(), leave.getJsonNumber("userId").longValueExact());
        assertTrue(b.frames.stream().noneMatch(f -> f.getString("type").equals("join")), "not to the joiner itself");
        a.close();
    }

    // ---- error events: the connection stays open, nothing is stored

    @Test
    void badMessagesGetErrorEventsAndAreNotStored() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        ChatSocket s = scene.socket();
        s.send(" \t ");
        assertError(s, "invalid_message");
        s.send("{\"content\":[]}");
        assertError(s, "invalid_message");
        s.send("{\"content\":\"x\",\"clientMsgId\":\"" + "i".repeat(65) + "\"}");
        assertError(s, "invalid_message");
        s.send("é".repeat(4097));
        assertError(s, "message_too_large");
        s.send("é".repeat(4096));
        assertEquals(1, s.next("message", 1, 10).get(0).getInt("seq"));
        assertFalse(s.closed.isDone());
        assertEquals(1, lastSeq(scene));
        s.close();
    }

    @Test
    void controlCharactersInContentOrClientMsgIdGetInvalidMessageAndTheNextMessageIsStored() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        ChatSocket s = scene.socket();
        for (String bad : List.of("nul \u0000 inside", "{\"content\":\"nul \\u0000 escaped\"}", "bell \u0007",
                "{\"content\":\"ok\",\"clientMsgId\":\"id\\u0000\"}", "{\"content\":\"ok\",\"clientMsgId\":\"id\\r\"}")) {
            s.send(bad);
            assertError(s, "invalid_message");
        }
        s.send("{\"content\":\"tab\\tand\\nnewline\",\"clientMsgId\":\"c-1\"}");
        JsonObject m = s.next("message", 1, 10).get(0);
        assertEquals(1, m.getInt("seq"));
        assertEquals("tab\tand\nnewline", m.getString("content"));
        assertFalse(s.closed.isDone());
        assertEquals(1, Chat.storedMessages(scene.room()));
        s.close();
    }

    @Test
    void malformedJsonGetsInvalidMessageWithoutAnIncidentOrAStackTrace() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        ChatSocket s = scene.socket();
        Path logs = GochatSystem.server().serverDir().resolve("logs");
        Set<String> incidents = ffdcFiles(logs);
        long logSize = Files.size(logs.resolve("messages.log"));

        String deep = "{\"content\":" + "[".repeat(5000) + "]".repeat(5000) + "}"; // 5,000 deep in 10 KB
        for (String bad : List.of(deep, "{\"content\":\"x\",}", "{\"content\":\"a\",\"content\":\"b\"}",
                "{\"content\":true}", "{\"content\":\"x\",\"clientMsgId\":[1]}", "{\"content\":{}}", "{}")) {
            s.send(bad);
            assertError(s, "invalid_message");
        }
        s.send("after");
        assertEquals("after", s.next("message", 1, 10).get(0).getString("content"));
        assertFalse(s.closed.isDone());
        assertEquals(1, Chat.storedMessages(scene.room()));
        assertEquals(incidents, ffdcFiles(logs), "no FFDC incident");
        try (var log = Files.newInputStream(logs.resolve("messages.log"))) {
            log.skipNBytes(logSize);
            String added = new String(log.readAllBytes(), StandardCharsets.UTF_8);
            assertFalse(added.contains("\tat "), "no stack trace in messages.log: " + added);
        }
        s.close();
    }

    private static Set<String> ffdcFiles(Path logs) throws IOException {
        Path ffdc = logs.resolve("ffdc");
        if (!Files.isDirectory(ffdc)) {
            return Set.of();
        }
        try (var files = Files.list(ffdc)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("ffdc_")).collect(Collectors.toSet());
        }
    }

    @Test
    void oneSendersBadInputNeverFailsTheOthersMessages() throws Exception {
        User owner = Chat.register();
        String room = Chat.createRoom(owner);
        List<ChatSocket> good = List.of(Chat.join(owner, room, 0), Chat.join(Chat.register(), room, 0));
        ChatSocket bad = Chat.join(Chat.register(), room, 0);
        int each = 50;
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < good.size(); c++) {
            ChatSocket s = good.get(c);
            String name = "g" + c;
            senders.add(Chat.started(() -> {
                for (int i = 0; i < each; i++) {
                    s.send(name + "-" + i);
                }
            }));
        }
        senders.add(Chat.started(() -> {
            for (int i = 0; i < each; i++) {
                bad.send(i % 2 == 0 ? "nul\u0000" + i : "{\"content\":\"x\",\"clientMsgId\":\"\\u0000" + i + "\"}");
            }
        }));
        for (Thread t : senders) {
            t.join();
        }
        for (ChatSocket s : good) {
            List<JsonObject> got = s.next("message", 2 * each, 30);
            assertEquals(2 * each, got.size());
            assertTrue(s.frames.stream().noneMatch(f -> f.getString("type").equals("error")), "no error for good senders");
        }
        assertEquals(each, bad.next("error", each, 30).stream()
                .filter(e -> e.getString("code").equals("invalid_message")).count());
        assertEquals(2 * each, Chat.storedMessages(room));
        good.forEach(ChatSocket::close);
        bad.close();
    }

    @Test
    void messagesPastTheRateLimitGetRateLimitedAndAreNotStored() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        ChatSocket s = scene.socket();
        int sent = 320; // the default limit: 100 a second, bursts of 200
        for (int i = 0; i < sent; i++) {
            s.send("fast " + i);
        }
        int messages = 0;
        int limited = 0;
        JsonObject f;
        while ((f = s.next(1500)) != null) {
            if (f.getString("type").equals("message")) {
                messages++;
            } else if (f.getString("type").equals("error")) {
                assertEquals("rate_limited", f.getString("code"));
                limited++;
            }
        }
        assertEquals(sent, messages + limited);
        assertTrue(limited > 0 && messages >= 200, messages + " stored, " + limited + " limited");
        assertEquals(messages, lastSeq(scene));
        assertFalse(s.closed.isDone());
        s.close();
    }

    @Test
    void aUsersMessagesAreLimitedAcrossTheirConnections() throws Exception {
        User user = Chat.register();
        String room = Chat.createRoom(user);
        int connections = 6;
        int each = 199; // within one connection's burst of 200: only the user's limit can refuse them
        List<ChatSocket> sockets = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            sockets.add(Chat.join(user, room, -1));
        }
        double limitedBefore = MetricsIT.value(MetricsIT.applicationMetrics(), "gochat_ws_rateLimited_total");
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            ChatSocket s = sockets.get(c);
            String prefix = "c" + c + "-";
            senders.add(Chat.started(() -> {
                for (int i = 0; i < each; i++) {
                    s.send(prefix + i);
                }
            }));
        }
        for (Thread t : senders) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int limited = 0;
        for (int c = 0; c < connections; c++) {
            limited += ownOutcomes(sockets.get(c), "c" + c + "-", each);
        }
        long stored = Chat.storedMessages(room);
        assertEquals(connections * each, stored + limited);
        // the user's limit: 100 a second, bursts of 200
        assertTrue(limited > 0 && stored <= 200 + 100 * (seconds + 1), stored + " stored in " + seconds + " s, " + limited + " limited");
        assertTrue(MetricsIT.value(MetricsIT.applicationMetrics(), "gochat_ws_rateLimited_total") >= limitedBefore + limited);
        sockets.forEach(ChatSocket::close);
    }

    /** Waits until the socket has heard back about each of its {@code n} messages; returns how many were rate limited. */
    private static int ownOutcomes(ChatSocket s, String prefix, int n) throws InterruptedException {
        int own = 0;
        int limited = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (own + limited < n && System.nanoTime() < deadline) {
            JsonObject f = s.next(1_000);
            if (f == null) {
                continue;
            }
            if (f.getString("type").equals("error")) {
                assertEquals("rate_limited", f.getString("code"));
                limited++;
            } else if (f.getString("type").equals("message") && f.getString("content").startsWith(prefix)) {
                own++;
            }
        }
        assertEquals(n, own + limited, "an answer to every message");
        return limited;
    }

    @Test
    void aHandshakePastTheUsersConnectionCapIs429() throws Exception {
        User user = Chat.register();
        String room = Chat.createRoom(user);
        List<ChatSocket> open = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // the default cap
            open.add(Chat.join(user, room));
        }
        double refusedBefore = MetricsIT.value(MetricsIT.applicationMetrics(), "gochat_ws_connectionsRefused_total");
        ChatSocket.Refused r = assertThrows(ChatSocket.HandshakeFailed.class, () -> Chat.join(user, room)).refused;
        assertEquals(429, r.status(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"));
        assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        assertTrue(MetricsIT.value(MetricsIT.applicationMetrics(), "gochat_ws_connectionsRefused_total") >= refusedBefore + 1);
        ChatSocket other = Chat.join(Chat.register(), room); // other users are not affected
        open.get(0).close();
        assertEquals(1000, open.get(0).closeCode(10));
        ChatSocket again = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (again == null) {
            try {
                again = Chat.join(user, room);
            } catch (ChatSocket.HandshakeFailed e) {
                assertEquals(429, e.refused.status());
                assertTrue(System.nanoTime() < deadline, "a closed connection makes room for another");
                Thread.sleep(100);
            }
        }
        again.close();
        other.close();
        open.forEach(ChatSocket::close);
    }

    private static long lastSeq(Chat.Alone scene) {
        var page = Chat.get("/chat/ws/rooms/" + scene.room() + "/messages?limit=1", scene.user()).jsonArray();
        return page.isEmpty() ? 0 : page.getJsonObject(0).getJsonNumber("seq").longValueExact();
    }

    private static void assertError(ChatSocket s, String code) throws InterruptedException {
        JsonObject e = s.next("error", 1, 10).get(0);
        assertEquals(Set.of("type", "code", "detail"), e.keySet());
        assertEquals(code, e.getString("code"));
    }

    // ---- close codes

    @Test
    void aClientsNormalCloseIsAnswered1000() throws Exception {
        ChatSocket s = Chat.aloneInANewRoom().socket();
        s.close();
        assertEquals(1000, s.closeCode(10));
    }

    @Test
    void aBinaryMessageCloses1003() throws Exception {
        ChatSocket s = Chat.aloneInANewRoom().socket();
        s.sendBinary(new byte[] {1, 2, 3});
        assertEquals(1003, s.closeCode(10));
    }

    @Test
    void aTextMessageOver16KiBCloses1009() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        ChatSocket s = scene.socket();
        s.send("x".repeat(16 * 1024 + 1));
        assertEquals(1009, s.closeCode(10));
        assertEquals(0, lastSeq(scene));
    }

    @Test
    void aTextMessageOf16KiBIsAcceptedInOneFrameOrInParts() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        ChatSocket s = scene.socket();
        String half = "\uD83D\uDE00".repeat(2048); // 8 KiB of UTF-8, 2048 characters
        s.send(half + half);
        s.sendPart(half, false);
        s.sendPart(half, true);
        assertEquals(List.of(1L, 2L), Chat.seqs(s.next("message", 2, 10)));
        assertFalse(s.closed.isDone());
        s.close();
    }

    @Test
    void aTextMessageOver16KiBInPartsCloses1009() throws Exception {
        Chat.Alone scene = Chat.aloneInANewRoom();
        ChatSocket s = scene.socket();
        String half = "\uD83D\uDE00".repeat(2048);
        s.sendPart(half, false);
        s.sendPart(half, false);
        s.sendPart("x", true);
        assertEquals(1009, s.closeCode(10));
        assertEquals(0, lastSeq(scene));
    }

    /**
     * A frame that declares more than 16 KiB is refused from its header: the close arrives while the
     * client has sent at most 64 KiB of the payload, and the server then drops the connection, so
     * it never holds more than that, whatever the frame declares.
     */
    @ParameterizedTest
    @ValueSource(longs = {30L << 20, 1L << 62})
    void aFrameDeclaringMoreThan16KiBIsRefused1009BeforeItsPayloadIsRead(long declared) throws Exception {
        User user = Chat.register();
        String room = Chat.createRoom(user);
        try (RawWebSocket ws = RawWebSocket.join(Chat.base(), room, user.token())) {
            ws.textFrameHeader(declared);
            byte[] chunk = new byte[4096];
            int sent = 0;
            try {
                while (sent < 64 * 1024 && !ws.readable()) {
                    ws.write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException e) {
                // the server closed already
            }
            RawWebSocket.Frame answer = ws.next(20_000);
            assertNotNull(answer, "no answer after " + sent + " bytes of the payload");
            assertEquals(RawWebSocket.Frame.CLOSE, answer.opcode());
            assertEquals(1009, answer.closeCode());
            assertTrue(ws.closedByServer(10_000), "the server drops the connection");
        }
        User reader = Chat.register();
        assertEquals(0, Chat.get("/chat/ws/rooms/" + room + "/messages", reader).jsonArray().size());
    }

    @Test
    void logoutClosesTheTokensSocketsWith1008WithinTwoSeconds() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket s = Chat.join(alice, room);
        ChatSocket other = Chat.join(Chat.register(), room);
        Thread.sleep(200);

        Http.Response out = Http.send(HttpRequest.newBuilder(GochatSystem.server().uri("/auth/logout"))
                .header("Authorization", "Bearer " + alice.token()).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(202, out.status(), out.body());
        long start = System.nanoTime();
        assertEquals(1008, s.closeCode(5));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "closed within 2 s");
        assertFalse(other.closed.isDone(), "other users stay");
        other.close();
    }

    @Test
    void aTokenThatExpiresWhileConnectedClosesItsSocketWith1008() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        long expiresAt = Instant.now().getEpochSecond() + 3;
        String shortLived = TestTokens.signed(TestTokens.claims(alice.id(), alice.username()).add("exp", expiresAt).build());
        ChatSocket s = ChatSocket.open(Chat.base(), room, "", Map.of("Authorization", "Bearer " + shortLived));
        ChatSocket other = Chat.join(alice, room);

        assertEquals(1008, s.closeCode(10), "closed once its token expired");
        assertTrue(Instant.now().getEpochSecond() >= expiresAt, "not before its expiry");
        assertFalse(other.closed.isDone(), "a connection with a valid token of the same user stays");
        other.close();
    }

    // ---- the handshake

    @Test
    void withoutAValidTokenTheHandshakeIsRefused401() {
        String room = Chat.createRoom(Chat.register());
        for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer nonsense"))) {
            ChatSocket.Refused r = assertThrows(ChatSocket.HandshakeFailed.class,
                    () -> ChatSocket.open(Chat.base(), room, "", headers)).refused;
            assertEquals(401, r.status());
        }
    }

    @Test
    void theCookieWorksLikeTheBearerHeader() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        ChatSocket s = ChatSocket.open(Chat.base(), room, "", Map.of("Cookie", "auth_token=" + alice.token()));
        s.send("by cookie");
        assertEquals("by cookie", s.next("message", 1, 10).get(0).getString("content"));
        s.close();
    }

    @Test
    void anUnknownRoomIsRefused404() {
        ChatSocket.Refused r = assertThrows(ChatSocket.HandshakeFailed.class,
                () -> Chat.join(Chat.register(), "no-such-room")).refused;
        assertEquals(404, r.status());
    }

    @Test
    void aBadSinceIsRefused400() {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        for (String since : List.of("-1", "x")) {
            ChatSocket.Refused r = assertThrows(ChatSocket.HandshakeFailed.class,
                    () -> ChatSocket.open(Chat.base(), room, "?since=" + since, alice.bearer())).refused;
            assertEquals(400, r.status());
        }
    }

    @Test
    void aForeignOriginIsRefused403AndTheServersOwnAndConfiguredOriginsAreAllowed() throws Exception {
        User alice = Chat.register();
        String room = Chat.createRoom(alice);
        Map<String, String> foreign = Map.of("Authorization", "Bearer " + alice.token(), "Origin", "https://evil.example");
        ChatSocket.Refused r = assertThrows(ChatSocket.HandshakeFailed.class, () -> ChatSocket.open(Chat.base(), room, "", foreign)).refused;
        assertEquals(403, r.status());

        int port = GochatSystem.server().httpPort;
        for (String origin : List.of("http://localhost:" + port, "https://localhost:" + port, "https://chat.example.org")) {
            ChatSocket ok = ChatSocket.open(Chat.base(), room, "", Map.of("Authorization", "Bearer " + alice.token(), "Origin", origin));
            ok.close();
        }
    }
}
