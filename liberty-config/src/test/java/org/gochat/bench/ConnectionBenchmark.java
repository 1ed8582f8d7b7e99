package org.gochat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.gochat.testkit.User;

/**
 * Many idle WebSockets on one GoChat server: opens {@code connections} authenticated sockets to chat
 * rooms, {@code inFlight} handshakes at a time, then keeps them open for {@code idle} seconds with a
 * ping on every socket each {@code ping} seconds. Prints handshakes per second (and the CPU time
 * per handshake of the server, of its PostgreSQL and of this client, all on the same machine), and
 * the server's threads, resident memory and live heap after a full GC
 * ({@code jcmd GC.class_histogram}, which collects first) before, after opening and after the idle
 * time, with the heap per connection and the classes that grew most.
 *
 * <p>Settings, as {@code key=value}: {@code connections} (10000), {@code inFlight} (200), {@code perUser}
 * (20 sockets per user: users are registered over HTTP, connections / perUser of them), {@code roomSize}
 * (100 sockets per room; every join is announced to the room), {@code idle} (60), {@code ping} (15),
 * {@code addresses} (1: sockets go to 127.0.0.1 … 127.0.0.n in turn, for more sockets than one
 * address's ephemeral ports allow), {@code reconnect} (true: after the idle time, drop every socket
 * and open them all again, the same users to the same rooms, now members of them, and print that
 * rate too), and any {@code GOCHAT_*} variable for the server
 * ({@code GOCHAT_WS_USER_CONNECTIONS} is {@code perUser} unless given).
 */
public final class ConnectionBenchmark {

    private final int connections = Integer.getInteger("connections", 10_000);
    private final int inFlight = Integer.getInteger("inFlight", 200);
    private final int perUser = Integer.getInteger("perUser", 20);
    private final int roomSize = Integer.getInteger("roomSize", 100);
    private final int idle = Integer.getInteger("idle", 60);
    private final int ping = Integer.getInteger("ping", 15);
    private final int addresses = Integer.getInteger("addresses", 1);
    private final boolean reconnect = Boolean.getBoolean("reconnect");
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final AtomicLong pongs = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();

    public static void main(String[] args) throws Exception {
        Bench.settings(args);
        new ConnectionBenchmark().run();
        System.exit(0);
    }

    private void run() throws Exception {
        Map<String, String> env = Bench.serverSettings();
        env.putIfAbsent("GOCHAT_WS_USER_CONNECTIONS", String.valueOf(perUser));
        try (Bench bench = new Bench("connections", env)) {
            long pid = bench.server.process().pid();
            System.out.printf("ConnectionBenchmark: %,d sockets, %d handshakes in flight, %d per user, %d per room,"
                    + " idle %d s with a ping every %d s, %d address(es); server environment %s; this JVM's open files limit %s%n",
                    connections, inFlight, perUser, roomSize, idle, ping, addresses, env, openFilesLimit());

            long t0 = System.nanoTime();
            int userCount = (connections + perUser - 1) / perUser;
            List<User> users = register(bench, userCount);
            List<String> rooms = new ArrayList<>();
            for (int i = 0; i < (connections + roomSize - 1) / roomSize; i++) {
                rooms.add(createRoom(bench, users.get(i % userCount))); // within each user's room-creation rate
            }
            System.out.printf("registered %,d users and created %,d rooms in %.1f s%n", userCount, rooms.size(),
                    (System.nanoTime() - t0) / 1e9);

            Snapshot before = Snapshot.take(pid);
            System.out.println("before:      " + before);

            HttpClient http = HttpClient.newHttpClient();
            long postgresPid = bench.postgresPid();
            List<WebSocket> sockets = openAll(bench, http, users, rooms, pid, postgresPid, "first joins");

            Snapshot open = Snapshot.take(pid);
            System.out.println("open:        " + open);
            System.out.println(open.perConnection(before, sockets.size()));

            ScheduledPings pings = new ScheduledPings(sockets);
            Thread.sleep(TimeUnit.SECONDS.toMillis(idle));
            pings.stop();
            Snapshot idled = Snapshot.take(pid);
            System.out.println("after idle:  " + idled);
            System.out.println(idled.perConnection(before, sockets.size()));
            System.out.printf("idle %d s: %,d pings sent, %,d pongs, %,d sockets closed by the server, %,d frames received in all%n",
                    idle, pings.sent.get(), pongs.get(), closedByServer.get(), frames.get());
            System.out.println("grew most (bytes of live objects after a full GC, after idle minus before):");
            before.grewMost(idled, 12).forEach(line -> System.out.println("  " + line));

            sockets.forEach(WebSocket::abort);
            if (reconnect) {
                // The same users to the same rooms again, members now, on a warm server: what a
                // restart's or a network blip's reconnections ask of it.
                awaitQuiet(pid); // the server has closed the aborted sockets and recorded that they left
                openAll(bench, http, users, rooms, pid, postgresPid, "members reconnecting").forEach(WebSocket::abort);
            }
        }
    }

    /** Waits (up to two minutes) for a second in which the server uses under a tenth of a core. */
    private static void awaitQuiet(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        long cpu = Proc.cpuNanos(pid);
        do {
            Thread.sleep(1000);
            long now = Proc.cpuNanos(pid);
            if (now - cpu < TimeUnit.MILLISECONDS.toNanos(100)) {
                return;
            }
            cpu = now;
        } while (System.nanoTime() < deadline);
    }

    /** Opens the benchmark's sockets, {@code inFlight} handshakes at a time; prints the rate and the CPU per handshake. */
    private List<WebSocket> openAll(Bench bench, HttpClient http, List<User> users, List<String> rooms, long pid,
            long postgresPid, String what) throws InterruptedException {
        List<WebSocket> sockets = new ArrayList<>();
        Semaphore slots = new Semaphore(inFlight);
        AtomicInteger failed = new AtomicInteger();
        long self = ProcessHandle.current().pid();
        long cpu = Proc.cpuNanos(pid);
        long clientCpu = Proc.cpuNanos(self);
        long postgresCpu = Proc.treeCpuNanos(postgresPid);
        long start = System.nanoTime();
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            slots.acquire();
            URI uri = URI.create("ws://127.0.0." + (1 + i % addresses) + ":" + bench.server.uri("/").getPort()
                    + "/chat/ws/joinRoom/" + rooms.get(i / roomSize));
            opening.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + users.get(i % users.size()).token())
                    .buildAsync(uri, new Listener()).whenComplete((ws, e) -> {
                        slots.release();
                        if (e != null && failed.getAndIncrement() < 3) {
                            System.out.println("handshake failed: " + e);
                        }
                    }));
        }
        for (var f : opening) {
            try {
                sockets.add(f.get(2, TimeUnit.MINUTES));
            } catch (Exception e) {
                // counted above
            }
        }
        double took = (System.nanoTime() - start) / 1e9;
        int opened = Math.max(1, sockets.size());
        System.out.printf("%s: opened %,d sockets (%d failed) in %.1f s: %,.0f handshakes/s; CPU per handshake: server %.0f us,"
                + " PostgreSQL %.0f us, this client %.0f us (the machine has %d cores)%n",
                what, sockets.size(), failed.get(), took, sockets.size() / took, (Proc.cpuNanos(pid) - cpu) / 1e3 / opened,
                (Proc.treeCpuNanos(postgresPid) - postgresCpu) / 1e3 / opened, (Proc.cpuNanos(self) - clientCpu) / 1e3 / opened,
                Runtime.getRuntime().availableProcessors());
        return sockets;
    }

    private static List<User> register(Bench bench, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<User>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(bench::register));
            }
            List<User> users = new ArrayList<>();
            for (Future<User> f : futures) {
                users.add(f.get());
            }
            return users;
        } finally {
            pool.shutdown();
        }
    }

    private static String createRoom(Bench bench, User user) throws Exception {
        String id = "conn-" + UUID.randomUUID();
        HttpResponse<String> r = bench.client.send(bench.request("/chat/ws/createRoom", user)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"name\":\"Connections\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("createRoom: " + r.statusCode() + " " + r.body());
        }
        return id;
    }

    /** The soft and hard limits of open files of this JVM (sockets count), from /proc/self/limits. */
    private static String openFilesLimit() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                .map(l -> l.substring("Max open files".length()).trim().replaceAll("\\s+", " ")).findFirst().orElse("?");
    }

    /** Counts what arrives; a socket closed by the server counts once. */
    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (last) {
                frames.incrementAndGet();
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            pongs.incrementAndGet();
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedByServer.incrementAndGet();
            return null;
        }
    }

    /** Pings every socket once per {@code ping} seconds, spread evenly over the interval. */
    private final class ScheduledPings {
        final AtomicLong sent = new AtomicLong();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        ScheduledPings(List<WebSocket> sockets) {
            long every = Math.max(1, TimeUnit.SECONDS.toMicros(ping) / Math.max(1, sockets.size()));
            AtomicInteger next = new AtomicInteger();
            timer.scheduleAtFixedRate(() -> {
                WebSocket ws = sockets.get(next.getAndIncrement() % sockets.size());
                if (!ws.isOutputClosed()) {
                    ws.sendPing(ByteBuffer.wrap(new byte[] {1}));
                    sent.incrementAndGet();
                }
            }, every, every, TimeUnit.MICROSECONDS);
        }

        void stop() {
            timer.shutdownNow();
        }
    }

    /** The server's threads, resident memory and live heap (after a full GC) at one moment. */
    private record Snapshot(int threads, long rss, long liveHeap, Map<String, Long> classes) {

        static Snapshot take(long pid) throws Exception {
            Process jcmd = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
                throw new IllegalStateException("jcmd GC.class_histogram failed: " + out);
            }
            Map<String, Long> classes = new HashMap<>();
            long total = -1;
            for (String line : out.lines().toList()) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) { // "num: instances bytes class-name [(module)]"
                    classes.merge(f[3], Long.parseLong(f[2]), Long::sum);
                } else if (f.length == 3 && f[0].equals("Total")) {
                    total = Long.parseLong(f[2]);
                }
            }
            return new Snapshot(Proc.threads(pid), Proc.rssBytes(pid), total, classes);
        }

        String perConnection(Snapshot before, int sockets) {
            int n = Math.max(1, sockets);
            return String.format("  per connection: live heap %,.0f bytes, RSS %,.0f bytes; threads %+d in all",
                    (liveHeap - before.liveHeap) / (double) n, (rss - before.rss) / (double) n, threads - before.threads);
        }

        List<String> grewMost(Snapshot later, int limit) {
            return later.classes.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - classes.getOrDefault(e.getKey(), 0L)))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                    .map(e -> String.format("%,14d  %s", e.getValue(), e.getKey())).collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return String.format("threads %d, RSS %,d MB, live heap %,d MB", threads, rss >> 20, liveHeap >> 20);
        }
    }
}
