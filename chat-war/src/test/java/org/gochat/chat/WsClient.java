package org.gochat.chat;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** A real WebSocket client (java.net.http) that records what it receives; it can stop reading, like a slow client. */
final class WsClient implements WebSocket.Listener {

    final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    /** System.nanoTime() of each message frame's arrival, in order. */
    final List<Long> messageArrivals = new CopyOnWriteArrayList<>();
    /** The text of each message frame, as received, in order. */
    final List<String> messageTexts = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean reading;
    private WebSocket socket;

    private WsClient(boolean reading) {
        this.reading = reading;
    }

    static WsClient open(URI uri, boolean reading) throws Exception {
        WsClient client = new WsClient(reading);
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, client).get(10, TimeUnit.SECONDS);
        return client;
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Starts reading again (a stalled client catching up). */
    void resume() {
        reading = true;
        socket.request(Long.MAX_VALUE);
    }

    void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
    }

    /** The next {@code n} message frames (other frames skipped), waiting at most {@code seconds} for all. */
    List<JsonObject> messages(int n, int seconds) throws InterruptedException {
        List<JsonObject> messages = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (messages.size() < n) {
            JsonObject f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (f == null) {
                break;
            }
            if ("message".equals(f.getString("type"))) {
                messages.add(f);
            }
        }
        return messages;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(reading ? Long.MAX_VALUE : 1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            JsonObject frame = Json.createReader(new StringReader(partial.toString())).readObject();
            if ("message".equals(frame.getString("type"))) {
                messageArrivals.add(now);
                messageTexts.add(partial.toString());
            }
            frames.add(frame);
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }
}
