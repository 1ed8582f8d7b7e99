package org.gochat.bench;

import java.util.concurrent.ThreadLocalRandom;

import org.gochat.testkit.User;

/**
 * The feed of a user who follows 1,000 users who wrote 200,000 posts (plus 1,000 users it does not follow
 * with 50,000 more), seeded with SQL: p50/p99 of the first page and of later pages.
 */
public final class FeedBenchmark {

    private static final int FOLLOWED = 1_000;
    private static final int POSTS = 200_000;

    public static void main(String[] args) throws Exception {
        try (Bench bench = new Bench("feed-bench")) {
            User reader = bench.register();
            bench.sql("INSERT INTO users (username, email, password_hash) "
                    + "SELECT 'seed' || g, 'seed' || g || '@example.org', 'x' FROM generate_series(1, " + 2 * FOLLOWED + ") g",
                    "CREATE TABLE seeds AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users "
                    + "WHERE username LIKE 'seed%'",
                    // The reader follows the first half of the seeded users.
                    "INSERT INTO user_followers (follower_id, following_id) SELECT " + reader.id() + ", id FROM seeds "
                    + "WHERE n < " + FOLLOWED,
                    "UPDATE users SET following_count = " + FOLLOWED + " WHERE id = " + reader.id(),
                    "UPDATE users SET followers_count = 1 WHERE id IN (SELECT id FROM seeds WHERE n < " + FOLLOWED + ")",
                    // Authors take turns, so every author has posts all through the id range: four of every five
                    // posts by followed authors (200,000), the fifth by the others (50,000).
                    "INSERT INTO posts (author_id, content) SELECT s.id, 'post number ' || g "
                    + "FROM generate_series(1, " + POSTS * 5 / 4 + ") g JOIN seeds s ON s.n = CASE WHEN g % 5 = 0 "
                    + "THEN " + FOLLOWED + " + (g / 5) % " + FOLLOWED + " ELSE g % " + FOLLOWED + " END ORDER BY g",
                    "DROP TABLE seeds",
                    "VACUUM ANALYZE");
            long[] range = new long[2];
            try (var c = java.sql.DriverManager.getConnection(bench.postgres.jdbcUrl(), "postgres", "postgres");
                    var rs = c.createStatement().executeQuery("SELECT min(id), max(id), count(*) FROM posts")) {
                rs.next();
                range[0] = rs.getLong(1);
                range[1] = rs.getLong(2);
                System.out.printf("Seeded %,d posts; user %d follows %,d authors of %,d of them%n",
                        rs.getLong(3), reader.id(), FOLLOWED, POSTS);
            }

            bench.latency("GET /user/ (baseline: no token, no SQL)", 3000, i -> bench.server.uri("/user/"), reader);
            bench.latency("GET /user/feed (first page)", 3000, i -> bench.server.uri("/user/feed"), reader);
            bench.latency("GET /user/feed?before= (later page)", 3000, i -> bench.server.uri("/user/feed?before="
                    + ThreadLocalRandom.current().nextLong(range[0] + 1000, range[1])), reader);
            bench.latency("GET /user/feed?limit=100&before=", 1000, i -> bench.server.uri("/user/feed?limit=100&before="
                    + ThreadLocalRandom.current().nextLong(range[0] + 1000, range[1])), reader);
        }
    }
}
