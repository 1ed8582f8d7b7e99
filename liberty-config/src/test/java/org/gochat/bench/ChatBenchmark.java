package org.gochat.bench;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.gochat.system.GochatSystem;
import org.gochat.system.LibertyServer;
import org.gochat.testkit.User;

/**
 * Chat throughput and latency, end to end, of GoChat and, side by side, of the original Go-Chat:
 * the same workloads against both, R rooms of C clients each (java.net.http WebSockets, in this JVM,
 * on the same machine), runs alternating between the two servers.
 *
 * <p>Workloads: A, 4 rooms × 25 clients, every client sends 100 messages as fast as it can
 * (deliveries/s); B, 4 × 25 at 1,000 messages/s offered for {@code seconds} (latency); C, 1 room ×
 * 100 clients × 20 messages as fast as possible; D, 20 rooms × 10 clients at 2,000 messages/s.
 * Every client receives every message of its room; every delivery is checked for loss, duplicates
 * and order (each sender's own counter, and for GoChat also the room's {@code seq}). For each run it
 * prints deliveries/s (first send to last receipt), latency from send to receipt (p50, p99, max),
 * and the server's CPU time per delivery (user + system of its process, from /proc; for GoChat also
 * its PostgreSQL's). At the end, per workload: every run, the medians and GoChat/original ratios.
 *
 * <p>Order: one round of the workloads right after the start, reported apart as the first run after
 * start (against the original first, so that this JVM's own JIT warm-up does not count against
 * GoChat); then GoChat's warm-up ({@code warmup} seconds of workload B after one of A, as its JIT
 * compiler takes half a core for the first minute of load); then {@code runs} rounds, GoChat then
 * the original for each workload. GoChat stays up throughout; every run of the original is a fresh
 * process (its hub deadlocks when many clients leave), which needs no warm-up (compiled ahead).
 *
 * <p>Settings, as {@code key=value} arguments (or system properties): {@code workloads} (A,B,C,D),
 * {@code runs} (3), {@code seconds} (10, of B and D), {@code warmup} (60; 0 skips it), {@code original}
 * (path of the original's binary; absent: GoChat alone), {@code db} ({@code embedded}, the default, or
 * {@code external}: a stock PostgreSQL at default durability, see {@link BenchPostgres}),
 * {@code pgBin} (its bin folder), {@code wsRate} (GOCHAT_WS_RATE, 100), {@code servers} (GoChat
 * servers on the one database, 1; client i on server i mod n), {@code jfr} (a file: record GoChat with
 * Java Flight Recorder), {@code jfrSettings} (profile, or a .jfc file), {@code userSockets} (true: every
 * benchmark user also holds a user socket, {@code /chat/ws/me}, through all runs), {@code jvm} (JVM
 * options for the GoChat servers, comma-separated, such as {@code -XX:+UseShenandoahGC}), and any
 * {@code GOCHAT_*} variable for the GoChat servers.
 */
public final class ChatBenchmark {

    /** A message this benchmark sent, "b sender counter nanoTime", as either server frames it. */
    private static final Pattern MESSAGE = Pattern.compile("\"conte(?:nt|xt)\":\"b (\\d+) (\\d+) (\\d+)\"");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    /** A probe message: its receipt shows that the server has registered the receiver in its room. */
    private static final Pattern PROBE = Pattern.compile("\"conte(?:nt|xt)\":\"probe\"");

    /** {@code messages} > 0: each client sends that many as fast as it can; otherwise {@code rate} a second in all. */
    record Workload(String name, int rooms, int clients, int messages, int rate, int seconds) {
        int size() {
            return rooms * clients;
        }

        @Override
        public String toString() {
            return name + ": " + rooms + " rooms x " + clients + " clients, " + (messages > 0
                    ? messages + " messages each as fast as possible"
                    : rate + " messages/s for " + seconds + " s");
        }
    }

    record Result(String target, Workload workload, String label, long deliveries, double seconds, double p50,
            double p99, double max, long lost, long duplicates, long outOfOrder, long errors, long closed,
            double cpuMicros, double dbCpuMicros) {
        double rate() {
            return deliveries / seconds;
        }

        @Override
        public String toString() {
            return String.format("%-8s %-12s %,9d deliveries in %6.2f s = %,9.0f/s; p50 %7.2f ms, p99 %7.2f ms,"
                    + " max %7.2f ms; lost %d, dup %d, out of order %d, error frames %d, closed %d;"
                    + " server CPU %.1f us/delivery%s", target, workload.name() + " " + label, deliveries, seconds,
                    rate(), p50, p99, max, lost, duplicates, outOfOrder, errors, closed, cpuMicros,
                    Double.isNaN(dbCpuMicros) ? "" : String.format(", PostgreSQL %.1f us/delivery", dbCpuMicros));
        }
    }

    private final int seconds = Integer.getInteger("seconds", 10);
    private final Map<String, Workload> all = Map.of(
            "A", new Workload("A", 4, 25, 100, 0, 0),
            "B", new Workload("B", 4, 25, 0, 1000, seconds),
            "C", new Workload("C", 1, 100, 20, 0, 0),
            "D", new Workload("D", 20, 10, 0, 2000, seconds));
    private final List<Workload> workloads = Arrays.stream(System.getProperty("workloads", "A,B,C,D").split(","))
            .map(w -> {
                Workload found = all.get(w.trim().toUpperCase());
                if (found == null) {
                    throw new IllegalArgumentException("unknown workload " + w + "; known: A, B, C, D");
                }
                return found;
            }).toList();
    private final int runs = Integer.getInteger("runs", 3);
    private final int warmup = Integer.getInteger("warmup", 60);
    private final String original = System.getProperty("original");
    private final String db = System.getProperty("db", "embedded");
    private final String wsRate = System.getProperty("wsRate", "100");
    private final int servers = Integer.getInteger("servers", 1);
    private final String jfr = System.getProperty("jfr");
    private final String jvm = System.getProperty("jvm");
    /** Every benchmark user also holds a user socket ({@code /chat/ws/me}) through all runs. */
    private final boolean userSockets = Boolean.getBoolean("userSockets");
    private final String jfrSettings = System.getProperty("jfrSettings", "profile");
    /**
     * Runs the sockets' listeners on its selector thread (a direct executor): a frame's receipt time
     * is taken as it is read, not after a hand-off to a pool thread (which added about 0.3 ms here).
     */
    private final HttpClient http = HttpClient.newBuilder().executor(Runnable::run).build();
    private final List<Result> results = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Bench.settings(args);
        new ChatBenchmark().run();
        System.exit(0);
    }

    private void run() throws Exception {
        try (BenchPostgres postgres = BenchPostgres.start(db, Path.of("target/bench-pgdata"), System.getProperty("pgBin"));
                GoChat gochat = new GoChat(postgres)) {
            Original seed = original == null ? null : new Original(Path.of(original));
            System.out.printf("ChatBenchmark: GoChat (%d server(s), GOCHAT_WS_RATE=%s%s%s) on %s%s; %d runs after a %d s warm-up%n",
                    servers, wsRate, userSockets ? ", every user with a user socket" : "", jvm == null ? "" : ", JVM " + jvm,
                    postgres.description,
                    seed == null ? "" : "; original " + original, runs, warmup);
            workloads.forEach(w -> System.out.println("  " + w));

            for (Workload w : workloads) {
                if (seed != null) {
                    measure(seed, w, "first");
                }
                measure(gochat, w, "first");
            }
            if (warmup > 0) {
                measure(gochat, all.get("A"), "warm-up");
                measure(gochat, new Workload("B", 4, 25, 0, 1000, warmup), "warm-up");
            }
            for (int run = 1; run <= runs; run++) {
                for (Workload w : workloads) {
                    measure(gochat, w, "run " + run);
                    if (seed != null) {
                        measure(seed, w, "run " + run);
                    }
                }
            }
            summary();
            System.out.println(gochat.userSocketSummary());
            System.out.println(gochat.metrics());
        }
    }

    // ---- the two servers

    /** A chat server under test; one client class talks to both. */
    private interface Target {
        String name();

        /** Before each run: the original starts a fresh process. */
        default void beforeRun() throws Exception {
        }

        default void afterRun() {
        }

        String createRoom(int creator) throws Exception;

        CompletableFuture<WebSocket> open(String room, int client, WebSocket.Listener listener) throws Exception;

        /** CPU time of the server's process(es), nanoseconds. */
        long cpuNanos();

        /** CPU time of the server's database, nanoseconds; -1 without one. */
        long dbCpuNanos();
    }

    private final class GoChat implements Target, AutoCloseable {
        private final BenchPostgres postgres;
        private final List<LibertyServer> nodes = new ArrayList<>();
        /** One user per client of the largest workload: a client is the user of its index. */
        private final List<String> tokens = new ArrayList<>();
        private final List<WebSocket> userSocketsOpen = new ArrayList<>();
        private final LongAdder userSocketFrames = new LongAdder();

        GoChat(BenchPostgres postgres) throws Exception {
            this.postgres = postgres;
            Map<String, String> env = new HashMap<>(GochatSystem.environment(postgres.jdbcUrl()));
            env.put("GOCHAT_WS_RATE", wsRate);
            env.put("GOCHAT_ROOMS_PER_MINUTE", "1000"); // every run creates new rooms, the first client of each
            env.putAll(Bench.serverSettings());
            List<String> jvmArgs = new ArrayList<>();
            if (jvm != null) {
                jvmArgs.addAll(List.of(jvm.split(",")));
            }
            if (jfr != null) {
                jvmArgs.add("-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath()
                        + ",settings=" + jfrSettings + ",dumponexit=true");
            }
            if (!jvmArgs.isEmpty()) {
                env.put("JVM_ARGS", String.join(" ", jvmArgs));
            }
            try {
                for (int n = 1; n <= servers; n++) {
                    nodes.add(new LibertyServer(n == 1 ? "gochat-bench" : "gochat-bench-" + n, env).start());
                }
                int users = Math.max(warmup > 0 ? all.get("A").size() : 0,
                        workloads.stream().mapToInt(Workload::size).max().orElse(0));
                while (tokens.size() < users) {
                    tokens.add(register());
                }
                if (userSockets) {
                    openUserSockets();
                }
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        public String name() {
            return "GoChat";
        }

        @Override
        public String createRoom(int creator) throws Exception {
            String id = "bench-" + UUID.randomUUID();
            post(nodes.get(0).uri("/chat/ws/createRoom"), tokens.get(creator),
                    "{\"id\":\"" + id + "\",\"name\":\"Benchmark\"}", 201);
            return id;
        }

        @Override
        public CompletableFuture<WebSocket> open(String room, int client, WebSocket.Listener listener) {
            URI uri = ws(nodes.get(client % nodes.size()).uri("/chat/ws/joinRoom/" + room));
            return http.newWebSocketBuilder().header("Authorization", "Bearer " + tokens.get(client))
                    .buildAsync(uri, listener);
        }

        @Override
        public long cpuNanos() {
            return nodes.stream().mapToLong(n -> Proc.cpuNanos(n.process().pid())).sum();
        }

        @Override
        public long dbCpuNanos() {
            return Proc.treeCpuNanos(postgres.pid());
        }

        private String register() {
            return User.register(nodes.get(0).uri(""), "benchmark!").token();
        }

        /** One user socket per user, on the user's server, counting the frames it receives (inbox and room frames). */
        private void openUserSockets() {
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            for (int user = 0; user < tokens.size(); user++) {
                URI uri = ws(nodes.get(user % nodes.size()).uri("/chat/ws/me"));
                opening.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + tokens.get(user))
                        .buildAsync(uri, new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                if (last) {
                                    userSocketFrames.increment();
                                }
                                webSocket.request(1);
                                return null;
                            }
                        }));
            }
            opening.forEach(f -> userSocketsOpen.add(f.join()));
            System.out.printf("user sockets: %d open%n", userSocketsOpen.size());
        }

        /** The user sockets' frames so far, for the summary. */
        String userSocketSummary() {
            return userSockets ? "user sockets: " + userSocketsOpen.size() + " held, " + userSocketFrames.sum() + " frames received" : "";
        }

        /** The chat service's own metrics; {@code /metrics} is for the administrator, over HTTPS. */
        String metrics() {
            StringBuilder b = new StringBuilder("server metrics:");
            nodes.get(0).metrics("?scope=application").lines().filter(l -> l.startsWith("gochat_"))
                    .forEach(l -> b.append("\n  ").append(l));
            return b.toString();
        }

        @Override
        public void close() {
            nodes.forEach(LibertyServer::stop);
        }
    }

    /**
     * The original Go-Chat, from its binary: no storage, no authentication (identity from the query
     * string), rooms in memory. It always listens on 8080 (the port is fixed in its code).
     */
    private final class Original implements Target {
        private static final int PORT = 8080;
        private final Path binary;
        private final Path log = Path.of("target/original.log").toAbsolutePath();
        private Process process;

        Original(Path binary) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalArgumentException("original=" + binary + " is not an executable file");
            }
            this.binary = binary;
        }

        @Override
        public String name() {
            return "original";
        }

        @Override
        public void beforeRun() throws Exception {
            try (Socket s = new Socket("localhost", PORT)) {
                throw new IllegalStateException("port " + PORT + " is taken; the original can listen only there");
            } catch (IOException free) {
                // nothing listens: ours can
            }
            process = new ProcessBuilder(binary.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(uri("/v1/ws/getRooms")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        afterRun();
                        throw new IllegalStateException("the original did not start; see " + log, notYet);
                    }
                    Thread.sleep(50);
                }
            }
        }

        @Override
        public void afterRun() {
            process.destroyForcibly();
            process.onExit().join();
        }

        @Override
        public String createRoom(int creator) throws Exception {
            String id = "bench-" + UUID.randomUUID();
            post(uri("/v1/ws/createRoom"), null, "{\"id\":\"" + id + "\",\"name\":\"Benchmark\"}", 200);
            return id;
        }

        @Override
        public CompletableFuture<WebSocket> open(String room, int client, WebSocket.Listener listener) {
            String query = "?userID=" + client + "&username=" + URLEncoder.encode("user " + client, StandardCharsets.UTF_8);
            return http.newWebSocketBuilder().buildAsync(ws(uri("/v1/ws/joinRoom/" + room + query)), listener);
        }

        @Override
        public long cpuNanos() {
            return Proc.cpuNanos(process.pid());
        }

        @Override
        public long dbCpuNanos() {
            return -1;
        }

        private URI uri(String path) {
            return URI.create("http://localhost:" + PORT + path);
        }
    }

    // ---- one run

    private void measure(Target target, Workload w, String label) throws Exception {
        target.beforeRun();
        List<Client> clients = new ArrayList<>();
        try {
            for (int r = 0; r < w.rooms(); r++) {
                String room = target.createRoom(r * w.clients());
                for (int c = 0; c < w.clients(); c++) {
                    Client client = new Client(clients.size(), r * w.clients(), w.clients());
                    clients.add(client);
                    client.ws = target.open(room, client.index, client).get(30, TimeUnit.SECONDS);
                }
            }
            awaitMembers(clients, w);
            long cpu = target.cpuNanos();
            long dbCpu = target.dbCpuNanos();
            long start = System.nanoTime();
            if (w.messages() > 0) {
                burst(clients, w);
            } else {
                offered(clients, w);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (Client c : clients) {
                c.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            long cpuUsed = target.cpuNanos() - cpu;
            long dbCpuUsed = dbCpu < 0 ? -1 : target.dbCpuNanos() - dbCpu;
            Result result = result(target.name(), w, label, clients, start, cpuUsed, dbCpuUsed);
            System.out.println(result);
            results.add(result);
        } finally {
            target.afterRun();
            closeAll(clients);
        }
    }

    /** Closes every socket and waits (up to 30 s) for the server's answers, so that a run starts on a server at rest. */
    private static void closeAll(List<Client> clients) throws InterruptedException {
        clients.stream().filter(c -> c.ws != null)
                .forEach(c -> c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Client c : clients) {
            if (c.ws != null) {
                c.ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                c.ws.abort();
            }
        }
    }

    /**
     * Waits until every client has received a probe from the last client of its room (sent again each
     * second until then, for up to 60 s): then the server delivers the room's messages to all of them.
     */
    private static void awaitMembers(List<Client> clients, Workload w) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (int r = 0; r < w.rooms(); r++) {
                clients.get((r + 1) * w.clients() - 1).ws.sendText("probe", true).join();
            }
            long retry = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < retry) {
                if (clients.stream().allMatch(c -> c.probed)) {
                    return;
                }
                Thread.sleep(10);
            }
        }
        System.out.println("  (not every client received a probe within 60 s; measuring anyway)");
    }

    /** Every client sends {@code messages} messages as fast as it can (two sending threads). */
    private static void burst(List<Client> clients, Workload w) throws InterruptedException {
        int expected = w.clients() * w.messages();
        clients.forEach(c -> c.expect(expected));
        CountDownLatch sent = new CountDownLatch(clients.size());
        ExecutorService senders = Executors.newFixedThreadPool(2);
        for (Client c : clients) {
            senders.execute(() -> {
                for (int i = 0; i < w.messages(); i++) {
                    c.send();
                }
                sent.countDown();
            });
        }
        sent.await();
        senders.shutdown();
    }

    /** {@code rate} messages a second for {@code seconds}, spread over every client, paced from one thread. */
    private static void offered(List<Client> clients, Workload w) {
        int total = w.rate() * w.seconds();
        int[] perRoom = new int[w.rooms()];
        for (int k = 0; k < total; k++) {
            perRoom[k % clients.size() / w.clients()]++;
        }
        clients.forEach(c -> c.expect(perRoom[c.index / w.clients()]));
        long interval = TimeUnit.SECONDS.toNanos(1) / w.rate();
        long start = System.nanoTime();
        for (int k = 0; k < total; k++) {
            long wait = start + k * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            clients.get(k % clients.size()).send();
        }
    }

    private static Result result(String target, Workload w, String label, List<Client> clients, long start,
            long cpuNanos, long dbCpuNanos) {
        long end = clients.stream().mapToLong(c -> c.lastReceipt).max().orElse(start);
        long deliveries = 0, lost = 0, duplicates = 0, outOfOrder = 0, errors = 0;
        long[] latencies = new long[clients.stream().mapToInt(c -> Math.min(c.count, c.latencies.length)).sum()];
        int i = 0;
        for (Client c : clients) {
            deliveries += c.count;
            lost += Math.max(0, c.expected - c.count);
            duplicates += c.duplicates;
            outOfOrder += c.outOfOrder;
            errors += c.errors;
            int n = Math.min(c.count, c.latencies.length);
            System.arraycopy(c.latencies, 0, latencies, i, n);
            i += n;
        }
        Arrays.sort(latencies);
        double perDelivery = Math.max(1, deliveries) * 1e3;
        return new Result(target, w, label, deliveries, Math.max(1, end - start) / 1e9, percentile(latencies, 0.50),
                percentile(latencies, 0.99), percentile(latencies, 1.0), lost, duplicates, outOfOrder, errors,
                clients.stream().filter(c -> c.closedWith != 0).count(), cpuNanos / perDelivery,
                dbCpuNanos < 0 ? Double.NaN : dbCpuNanos / perDelivery);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    // ---- the summary

    private void summary() {
        System.out.println();
        System.out.println("Summary (rate: deliveries/s; p50, p99: ms; CPU: server us/delivery)");
        for (Workload w : workloads) {
            System.out.println(w);
            Map<String, List<Result>> measured = new LinkedHashMap<>();
            for (Result r : results) {
                if (r.workload().equals(w) && r.label().startsWith("first")) {
                    System.out.printf("  %-8s first run after start: %,.0f/s, p50 %.2f, p99 %.2f, CPU %.1f%n",
                            r.target(), r.rate(), r.p50(), r.p99(), r.cpuMicros());
                } else if (r.workload().equals(w) && r.label().startsWith("run")) {
                    measured.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r);
                }
            }
            Map<String, double[]> medians = new LinkedHashMap<>();
            measured.forEach((target, rs) -> {
                System.out.printf("  %-8s runs: rate %s; p50 %s; p99 %s; CPU %s%n", target,
                        figures(rs, Result::rate, "%,.0f"), figures(rs, Result::p50, "%.2f"),
                        figures(rs, Result::p99, "%.2f"), figures(rs, Result::cpuMicros, "%.1f"));
                double[] m = {median(rs, Result::rate), median(rs, Result::p50), median(rs, Result::p99),
                    median(rs, Result::cpuMicros)};
                medians.put(target, m);
                System.out.printf("  %-8s median: rate %,.0f, p50 %.2f, p99 %.2f, CPU %.1f%n", target, m[0], m[1], m[2], m[3]);
            });
            double[] g = medians.get("GoChat");
            double[] o = medians.get("original");
            if (g != null && o != null) {
                System.out.printf("  GoChat/original: rate %.2f, p50 %.2f, p99 %.2f, CPU %.2f%n",
                        g[0] / o[0], g[1] / o[1], g[2] / o[2], g[3] / o[3]);
            }
        }
    }

    private static String figures(List<Result> rs, ToDoubleFunction<Result> f, String format) {
        return rs.stream().map(r -> String.format(format, f.applyAsDouble(r))).collect(Collectors.joining(" / "));
    }

    private static double median(List<Result> rs, ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    // ---- the client

    /**
     * One WebSocket client of either server: sends "b index counter nanoTime" messages; checks what
     * it receives per sender (every counter once, in ascending order) and, where the server numbers
     * a room's messages (GoChat's {@code seq}), that the numbers ascend.
     */
    private static final class Client implements WebSocket.Listener {
        final int index;
        final int firstOfRoom;
        WebSocket ws;
        /** Messages sent so far: the next one's counter. Written by one sending thread at a time. */
        int sent;
        final StringBuilder partial = new StringBuilder();
        volatile boolean probed;
        // written by this socket's listener calls only (one at a time), read after done
        volatile CountDownLatch done = new CountDownLatch(1);
        int expected = Integer.MAX_VALUE;
        int count;
        long[] latencies = new long[0];
        /** Per sender of the room: the counters received, and the highest so far plus one. */
        final BitSet[] seen;
        final int[] next;
        long lastSeq = -1;
        int duplicates;
        int outOfOrder;
        int errors;
        volatile long lastReceipt;
        volatile int closedWith;
        /** Closed by either side, or failed. */
        final CountDownLatch ended = new CountDownLatch(1);

        Client(int index, int firstOfRoom, int roomSize) {
            this.index = index;
            this.firstOfRoom = firstOfRoom;
            seen = new BitSet[roomSize];
            Arrays.setAll(seen, i -> new BitSet());
            next = new int[roomSize];
        }

        /** Before the phase: this client should receive {@code n} messages. */
        void expect(int n) {
            latencies = new long[n];
            expected = n;
        }

        void send() {
            ws.sendText("b " + index + " " + sent++ + " " + System.nanoTime(), true).join();
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
                Matcher m = MESSAGE.matcher(frame);
                if (m.find()) {
                    Matcher seq = SEQ.matcher(frame);
                    received(Integer.parseInt(m.group(1)) - firstOfRoom, Integer.parseInt(m.group(2)),
                            now - Long.parseLong(m.group(3)), seq.find() ? Long.parseLong(seq.group(1)) : -1, now);
                } else if (PROBE.matcher(frame).find()) {
                    probed = true;
                } else if (frame.startsWith("{\"type\":\"error\"")) {
                    errors++;
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedWith = statusCode; // read for the results before the benchmark closes its own
            ended.countDown();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.countDown();
        }

        private void received(int sender, int counter, long latency, long seq, long now) {
            if (seen[sender].get(counter)) {
                duplicates++;
                return;
            }
            seen[sender].set(counter);
            if (counter < next[sender] || seq >= 0 && seq <= lastSeq) {
                outOfOrder++;
            }
            next[sender] = Math.max(next[sender], counter + 1);
            lastSeq = Math.max(lastSeq, seq);
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

    // ---- HTTP

    private static URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    private String post(URI uri, String token, String body, int status) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofMinutes(2));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != status) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
