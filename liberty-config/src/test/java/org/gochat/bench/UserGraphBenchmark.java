package org.gochat.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.gochat.testkit.User;

/**
 * A user with 100,000 followers (seeded with SQL): p50/p99 of GET /user/{id} and of the first followers
 * page, then follow/unfollow requests per second from several clients with real tokens.
 */
public final class UserGraphBenchmark {

    private static final int FOLLOWERS = 100_000;
    private static final int CLIENTS = 8;
    private static final int SECONDS = 15;

    public static void main(String[] args) throws Exception {
        try (Bench bench = new Bench("user-graph-bench")) {
            User star = bench.register();
            bench.sql("INSERT INTO users (username, email, password_hash, following_count) "
                    + "SELECT 'seed' || g, 'seed' || g || '@example.org', 'x', 1 FROM generate_series(1, " + FOLLOWERS + ") g",
                    "INSERT INTO user_followers (follower_id, following_id) "
                    + "SELECT id, " + star.id() + " FROM users WHERE username LIKE 'seed%'",
                    "UPDATE users SET followers_count = " + FOLLOWERS + " WHERE id = " + star.id(),
                    "VACUUM ANALYZE");
            System.out.printf("Seeded user %d with %,d followers%n", star.id(), FOLLOWERS);

            bench.latency("GET /user/ (baseline: no token, no SQL)", 5000, i -> bench.server.uri("/user/"), star);
            bench.latency("GET /user/{id}", 5000, i -> bench.server.uri("/user/" + star.id()), star);
            bench.latency("GET /user/{id}/followers (first page)", 5000,
                    i -> bench.server.uri("/user/" + star.id() + "/followers"), star);
            bench.latency("GET /user/{id}/followers (later page)", 5000,
                    i -> bench.server.uri("/user/" + star.id() + "/followers?after="
                            + (star.id() + ThreadLocalRandom.current().nextInt(FOLLOWERS))), star);

            List<User> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(bench.register());
            }
            followAndUnfollow(bench, clients, star, false, 3, null);
            followAndUnfollow(bench, clients, star, false, SECONDS, "follow/unfollow of random seeded users");
            followAndUnfollow(bench, clients, star, true, SECONDS, "follow/unfollow of the one user (one hot row)");
        }
    }

    /**
     * Each client follows and unfollows, as fast as it can, random seeded users, or ({@code hot}) only the
     * star, whose counter row every request then has to lock in turn. Prints the rate unless {@code label} is null.
     */
    private static void followAndUnfollow(Bench bench, List<User> clients, User star, boolean hot,
            int seconds, String label) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<Long>> done = new ArrayList<>();
        for (User client : clients) {
            done.add(pool.submit(() -> {
                long requests = 0;
                while (System.nanoTime() < end) {
                    long target = hot ? star.id() : star.id() + 1 + ThreadLocalRandom.current().nextInt(FOLLOWERS);
                    String route = requests % 2 == 0 ? "/user/follow?toFollowId=" : "/user/unfollow?toUnfollowId=";
                    URI uri = bench.server.uri(route + target);
                    HttpResponse<Void> r = bench.client.send(bench.request(route + target, client)
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(uri + ": " + r.statusCode());
                    }
                    requests++;
                }
                return requests;
            }));
        }
        long total = 0;
        for (Future<Long> f : done) {
            total += f.get();
        }
        pool.shutdown();
        if (label != null) {
            System.out.printf("%s: %d clients, %,d requests in %d s: %.0f requests/s%n",
                    label, clients.size(), total, seconds, total / (double) seconds);
        }
    }
}
