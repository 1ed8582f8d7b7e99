package org.gochat.testkit;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The WebSocket client of the tests (java.net.http over a real socket): records the frames it
 * receives (JSON objects; a message frame's text and arrival time too) and how the server closed
 * it. It can also stop reading, like a slow client, and start again.
 */
public final class ChatSocket implements WebSocket.Listener {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    public final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    /** The close code the server sent (or 1006 when the connection broke without one). */
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** System.nanoTime() of each message frame's arrival, in order. */
    public final List<Long> messageArrivals = new CopyOnWriteArrayList<>();
    /** The text of each message frame, as received, in order. */
    public final List<String> messageTexts = new CopyOnWriteArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private volatile boolean reading;
    private WebSocket ws;

    private ChatSocket(boolean reading) {
        this.reading = reading;
    }

    /** The refusal of a handshake: its HTTP status, headers and body. */
    public record Refused(int status, java.net.http.HttpHeaders headers, String body) {
    }

    /** Opens {@code /chat/ws/joinRoom/{room}}{@code query} with these headers, or throws {@link HandshakeFailed}. */
    public static ChatSocket open(URI base, String room, String query, Map<String, String> headers) {
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + "/chat/ws/joinRoom/" + room + query);
        return open(uri, headers, true);
    }

    /** Opens the user socket {@code /chat/ws/me} with these headers, or throws {@link HandshakeFailed}. */
    public static ChatSocket me(URI base, Map<String, String> headers) {
        return open(URI.create(base.toString().replaceFirst("^http", "ws") + "/chat/ws/me"), headers, true);
    }

    /**
     * Opens the WebSocket at {@code uri} with these headers, or throws {@link HandshakeFailed}. A
     * socket not {@code reading} takes one frame and then reads nothing until {@link #resume()}.
     */
    public static ChatSocket open(URI uri, Map<String, String> headers, boolean reading) {
        ChatSocket s = new ChatSocket(reading);
        WebSocket.Builder b = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        try {
            s.ws = b.buildAsync(uri, s).get(20, TimeUnit.SECONDS);
            return s;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                throw new HandshakeFailed(new Refused(h.getResponse().statusCode(), h.getResponse().headers(),
                        String.valueOf(h.getResponse().body())));
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A handshake the server refused. */
    public static final class HandshakeFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final transient Refused refused;

        HandshakeFailed(Refused refused) {
            super("handshake refused with " + refused.status());
            this.refused = refused;
        }
    }

    public void send(String message) {
        ws.sendText(message, true).join();
    }

    /** Sends one frame of a text message; {@code last} ends the message. */
    public void sendPart(String part, boolean last) {
        ws.sendText(part, last).join();
    }

    /** Sends {@code prefix + i} for i from {@code from} to {@code to}, then waits until it has them all back. */
    public void sendAndAwait(String prefix, int from, int to) throws InterruptedException {
        for (int i = from; i <= to; i++) {
            send(prefix + i);
        }
        int n = to - from + 1;
        if (next("message", n, 30).size() != n) {
            throw new AssertionError("did not receive its " + n + " messages back");
        }
    }

    public void sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** Starts reading again (a stalled client catching up). */
    public void resume() {
        reading = true;
        ws.request(Long.MAX_VALUE);
    }

    public void close() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
    }

    /** The close code, waiting at most {@code seconds}. */
    public int closeCode(int seconds) throws Exception {
        return closed.get(seconds, TimeUnit.SECONDS);
    }

    /** The next frame, or null after {@code millis}. */
    public JsonObject next(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next {@code n} frames of this type (skipping others), or fewer when {@code seconds} pass first. */
    public List<JsonObject> next(String type, int n, int seconds) throws InterruptedException {
        List<JsonObject> found = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (found.size() < n) {
            JsonObject f = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (f == null) {
                break;
            }
            if (type.equals(f.getString("type"))) {
                found.add(f);
            }
        }
        return found;
    }

    /** The seqs of the messages already received by a socket that is closed or closing. */
    public List<Long> remainingSeqs() throws InterruptedException {
        List<Long> seqs = new ArrayList<>();
        for (JsonObject f = next(1_000); f != null; f = next(200)) {
            if ("message".equals(f.getString("type"))) {
                seqs.add(f.getJsonNumber("seq").longValueExact());
            }
        }
        return seqs;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(reading ? Long.MAX_VALUE : 1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            long now = System.nanoTime();
            JsonObject frame = Json.createReader(new StringReader(text.toString())).readObject();
            if ("message".equals(frame.getString("type"))) {
                messageArrivals.add(now);
                messageTexts.add(text.toString());
            }
            frames.add(frame);
            text.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(1006);
    }
}
