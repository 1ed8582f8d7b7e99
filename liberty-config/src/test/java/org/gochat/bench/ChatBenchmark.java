package org.gochat.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gochat.system.GochatSystem;
import org.gochat.system.LibertyServer;
import org.gochat.system.TestPostgres;

/**
 * Chat throughput and latency, end to end: a GoChat server on a PostgreSQL of its own, R rooms of
 * C clients (java.net.http WebSockets, in this JVM, on the same machine).
 *
 * <ol>
 * <li>Burst: every client sends M messages as fast as the rate limit allows; every client must
 * receive all C × M messages of its room. Prints deliveries per second (first send to last receipt),
 * latency from send to receipt (p50, p99, max), and lost, duplicate and out-of-order counts.</li>
 * <li>Offered load: {@code rate} messages a second spread over all clients for {@code seconds};
 * prints the same figures.</li>
 * </ol>
 *
 * Both run once untimed first (a burst, then {@code warmup} seconds of offered load), so that the
 * measured rounds run compiled code in both JVMs rather than the JIT compilers: measured here, the
 * server's C2 compiler thread still took half a core for the first 50 s of offered load.
 *
 * Settings, as {@code key=value} arguments (or system properties): {@code rooms} (4), {@code clients}
 * (25), {@code messages} (100), {@code rate} (1000), {@code seconds} (10), {@code warmup} (60; 0 skips
 * the warm-up), {@code wsRate} (GOCHAT_WS_RATE of the server, 100), {@code servers} (1), {@code jfr} (a
 * file: record the server with Java Flight Recorder), {@code jfrSettings} (profile, or a .jfc file).
 * Run: {@code ./mvnw -Pbench -DskipITs verify -Dbench=ChatBenchmark -Dbench.args="rooms=4 clients=25"}.
 */
public final class ChatBenchmark {

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final Pattern CONTENT = Pattern.compile("\"content\":\"b (\\d+) (\\d+)\"");

    private final int rooms = Integer.getInteger("rooms", 4);
    private final int clients = Integer.getInteger("clients", 25);
    private final int messages = Integer.getInteger("messages", 100);
    private final int rate = Integer.getInteger("rate", 1000);
    private final int seconds = Integer.getInteger("seconds", 10);
    private final int warmup = Integer.getInteger("warmup", 60);
    private final String wsRate = System.getProperty("wsRate", "100");
    private final String jfr = System.getProperty("jfr");
    private final String jfrSettings = System.getProperty("jfrSettings", "profile");
    /**
     * Runs the sockets' listeners on its selector thread (a direct executor): a frame's receipt time
     * is taken as it is read, not after a hand-off to a pool thread (which added about 0.3 ms here).
     */
    private final HttpClient http = HttpClient.newBuilder().executor(Runnable::run).build();
    /** {@code servers=2} splits the clients across two servers on the one database (client i on server i mod n). */
    private final int servers = Integer.getInteger("servers", 1);
    private final List<LibertyServer> nodes = new ArrayList<>();
    /** The first server: sign-ups, rooms and metrics go there. */
    private LibertyServer server;

    public static void main(String[] args) throws Exception {
        for (String arg : String.join(" ", args).trim().split("\\s+")) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                System.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        new ChatBenchmark().run();
        System.exit(0);
    }

    private void run() throws Exception {
        TestPostgres postgres = new TestPostgres(Path.of("target/bench-pgdata")).start();
        try {
            Map<String, String> env = new HashMap<>(GochatSystem.environment(postgres));
            env.put("GOCHAT_WS_RATE", wsRate);
            if (jfr != null) {
                env.put("JVM_ARGS", "-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath()
                        + ",settings=" + jfrSettings + ",dumponexit=true");
            }
            try {
                for (int n = 1; n <= servers; n++) {
                    nodes.add(new LibertyServer(n == 1 ? "gochat-bench" : "gochat-bench-" + n, env).start());
                }
                server = nodes.get(0);
                measure();
            } finally {
                nodes.forEach(LibertyServer::stop);
            }
        } finally {
            postgres.stop();
        }
    }

    private void measure() throws Exception {
        System.out.printf("ChatBenchmark: %d server(s); %d rooms x %d clients; burst of %d messages each; then %d messages/s for %d s;"
                + " GOCHAT_WS_RATE=%s%n", servers, rooms, clients, messages, rate, seconds, wsRate);
        List<Client> all = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String token = register();
            String room = createRoom(token);
            for (int c = 0; c < clients; c++) {
                all.add(new Client(all.size(), r, c == 0 ? token : register(), room));
            }
        }
        for (Client c : all) {
            c.connect();
        }
        Thread.sleep(1000); // let every join settle

        if (warmup > 0) { // both JVMs compile their hot paths here, not during the measured rounds
            burst(all, "warm-up burst");
            offered(all, "warm-up offered", warmup);
        }
        burst(all, "burst");
        offered(all, "offered " + rate + "/s", seconds);
        System.out.println(metrics());
        all.forEach(Client::close);
    }

    /** Every client sends {@code messages} messages as fast as the rate limit allows. */
    private void burst(List<Client> all, String phase) throws InterruptedException {
        int expected = clients * messages;
        all.forEach(c -> c.expect(expected));
        long start = System.nanoTime();
        CountDownLatch sent = new CountDownLatch(all.size());
        ExecutorService senders = Executors.newFixedThreadPool(2);
        for (Client c : all) {
            senders.execute(() -> {
                for (int i = 0; i < messages; i++) {
                    c.send();
                }
                sent.countDown();
            });
        }
        sent.await();
        senders.shutdown();
        report(phase, all, start, 120);
    }

    /** {@code rate} messages a second for {@code forSeconds}, spread over every client, paced from one thread. */
    private void offered(List<Client> all, String phase, int forSeconds) throws InterruptedException {
        int total = rate * forSeconds;
        int[] perRoom = new int[rooms];
        for (int k = 0; k < total; k++) {
            perRoom[all.get(k % all.size()).room]++;
        }
        all.forEach(c -> c.expect(perRoom[c.room]));
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int k = 0; k < total; k++) {
            long due = start + k * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            all.get(k % all.size()).send();
        }
        report(phase, all, start, 60);
    }

    private void report(String phase, List<Client> all, long start, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (Client c : all) {
            c.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        long end = all.stream().mapToLong(c -> c.lastReceipt).max().orElse(start);
        long deliveries = 0, lost = 0, duplicates = 0, outOfOrder = 0;
        int samples = all.stream().mapToInt(c -> c.count).sum();
        long[] latencies = new long[samples];
        int i = 0;
        for (Client c : all) {
            deliveries += c.count;
            lost += c.expected - c.seen.cardinality();
            duplicates += c.duplicates;
            outOfOrder += c.outOfOrder;
            System.arraycopy(c.latencies, 0, latencies, i, c.count);
            i += c.count;
        }
        Arrays.sort(latencies);
        double secondsTaken = (end - start) / 1e9;
        System.out.printf("%-16s deliveries %,d in %.2f s = %,.0f/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                + " lost %d, duplicates %d, out of order %d; clients closed by the server %d%n",
                phase, deliveries, secondsTaken, deliveries / secondsTaken, percentile(latencies, 0.50),
                percentile(latencies, 0.99), percentile(latencies, 1.0), lost, duplicates, outOfOrder,
                all.stream().filter(c -> c.closedWith != 0).count());
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** One WebSocket client: sends "b <client> <nanoTime>" messages, records what it receives. */
    private final class Client implements WebSocket.Listener {
        final int index;
        final int room;
        final String token;
        final String roomId;
        WebSocket ws;
        final StringBuilder partial = new StringBuilder();
        // written by this socket's listener calls only (one at a time), read after done
        volatile CountDownLatch done = new CountDownLatch(0);
        int expected;
        int count;
        long[] latencies = new long[0];
        BitSet seen = new BitSet();
        long firstSeq = -1;
        long lastSeq;
        int duplicates;
        int outOfOrder;
        volatile long lastReceipt;
        volatile int closedWith;

        Client(int index, int room, String token, String roomId) {
            this.index = index;
            this.room = room;
            this.token = token;
            this.roomId = roomId;
        }

        void connect() throws Exception {
            ws = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(nodes.get(index % nodes.size()).uri("/chat/ws/joinRoom/" + roomId).toString().replaceFirst("^http", "ws")), this)
                    .get(30, TimeUnit.SECONDS);
        }

        /** Resets the counters for a phase in which this client should receive {@code n} messages. */
        void expect(int n) {
            expected = n;
            count = 0;
            latencies = new long[n];
            seen = new BitSet();
            firstSeq = -1;
            duplicates = 0;
            outOfOrder = 0;
            done = new CountDownLatch(1);
        }

        void send() {
            ws.sendText("b " + index + " " + System.nanoTime(), true).join();
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null).join();
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE); // no demand signalling per frame: the listener still runs one call at a time
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                Matcher content = CONTENT.matcher(frame);
                Matcher seq = SEQ.matcher(frame);
                if (content.find() && seq.find()) {
                    received(Long.parseLong(seq.group(1)), now - Long.parseLong(content.group(2)), now);
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedWith = statusCode;
            return null;
        }

        private void received(long seq, long latency, long now) {
            if (firstSeq < 0) {
                firstSeq = seq;
            }
            int bit = (int) (seq - firstSeq);
            if (bit >= 0 && seen.get(bit)) {
                duplicates++;
                return;
            }
            if (seq < lastSeq) {
                outOfOrder++;
            }
            lastSeq = Math.max(lastSeq, seq);
            if (bit >= 0) {
                seen.set(bit);
            }
            if (count < latencies.length) {
                latencies[count] = latency;
            }
            count++;
            lastReceipt = now;
            if (count >= expected) {
                done.countDown();
            }
        }
    }

    private String register() throws Exception {
        String name = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String body = "{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.org\",\"password\":\"benchmark!\"}";
        String json = post("/auth/register", null, body, 201);
        Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no token in " + json);
        }
        return m.group(1);
    }

    private String createRoom(String token) throws Exception {
        String id = "bench-" + UUID.randomUUID();
        post("/chat/ws/createRoom", token, "{\"id\":\"" + id + "\",\"name\":\"Benchmark\"}", 201);
        return id;
    }

    private String post(String path, String token, String body, int status) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != status) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private String metrics() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("/metrics?scope=application")).build(),
                HttpResponse.BodyHandlers.ofString());
        StringBuilder b = new StringBuilder("server metrics:");
        r.body().lines().filter(l -> l.startsWith("gochat_")).forEach(l -> b.append("\n  ").append(l));
        return b.toString();
    }
}
