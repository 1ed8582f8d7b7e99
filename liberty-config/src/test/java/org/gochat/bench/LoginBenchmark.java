package org.gochat.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;

import org.gochat.system.LibertyServer;
import org.gochat.system.TestSystem;
import org.gochat.testkit.User;

/**
 * Login latency and throughput with the production password-hash parameters (PBKDF2-HMAC-SHA256,
 * 600,000 iterations, the default hashing pool): a PostgreSQL and a server of its own, a few
 * accounts, then logins one at a time (latency) and from several clients at once (throughput).
 */
public final class LoginBenchmark {

    private static final int ACCOUNTS = 8;
    private static final int SEQUENTIAL = 40;
    private static final int CLIENTS = 4;
    private static final Duration CONCURRENT_FOR = Duration.ofSeconds(30);

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LoginBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("gochat-login-bench");
        // The production default of the password-hash cost.
        try (TestSystem system = TestSystem.start("gochat-login-bench", data, env -> env.remove("GOCHAT_PASSWORD_ITERATIONS"))) {
            run(system.server());
        }
    }

    private static void run(LibertyServer server) throws Exception {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            emails.add(User.register(server.uri(""), "correct horse battery").email());
        }
        for (int i = 0; i < 5; i++) {
            login(server, emails.get(i % ACCOUNTS)); // warm-up
        }

        List<Long> sequential = new ArrayList<>();
        for (int i = 0; i < SEQUENTIAL; i++) {
            sequential.add(login(server, emails.get(i % ACCOUNTS)));
        }

        List<Long> concurrent = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger busy = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        long end = start + CONCURRENT_FOR.toNanos();
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                for (int i = client; System.nanoTime() < end; i += CLIENTS) {
                    long t = System.nanoTime();
                    int status = post(server, "/auth/login", credentials(emails.get(i % ACCOUNTS))).statusCode();
                    if (status == 200) {
                        concurrent.add(System.nanoTime() - t);
                    } else if (status == 503) {
                        busy.incrementAndGet();
                    } else {
                        throw new IllegalStateException("login: " + status);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();

        System.out.printf("Login benchmark: PBKDF2-HMAC-SHA256, 600000 iterations, %d processors, default hashing pool%n",
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  one at a time  n=%d  p50 %.0f ms  p99 %.0f ms  (%.2f logins/s)%n", SEQUENTIAL,
                percentile(sequential, 50), percentile(sequential, 99), SEQUENTIAL / (sum(sequential) / 1e9));
        System.out.printf("  %d clients      n=%d  p50 %.0f ms  p99 %.0f ms  %.2f logins/s  (%d turned away with 503)%n",
                CLIENTS, concurrent.size(), percentile(concurrent, 50), percentile(concurrent, 99),
                concurrent.size() / seconds, busy.get());
    }

    /** One login, timed; fails on anything but 200. */
    private static long login(LibertyServer server, String email) throws Exception {
        long t = System.nanoTime();
        expect(200, post(server, "/auth/login", credentials(email)));
        return System.nanoTime() - t;
    }

    private static String credentials(String email) {
        return Json.createObjectBuilder().add("email", email).add("password", "correct horse battery").build().toString();
    }

    private static HttpResponse<String> post(LibertyServer server, String path, String json) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().uri() + ": " + response.statusCode() + " " + response.body());
        }
    }

    private static double percentile(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }

    private static double sum(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).sum();
    }
}
