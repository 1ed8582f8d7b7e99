package org.gochat.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.gochat.testkit.User;

/**
 * Search over 1,000,000 stored messages in 200 rooms of 5,000, seeded with SQL: eight words each from a
 * vocabulary of 5,000 with a long tail (word {@code wN} in about 1 message in {@code 1.06 N}), so a
 * query word can be rare, common or in a third of all messages. The reader owns 100 of the rooms, so
 * its search across rooms covers 100 rooms and 500,000 messages. Prints how long the search index
 * takes to build over the seeded table (the statements of migration V51), then p50/p99 of searches
 * in one room and across the 100 rooms, for words of each frequency. Goal: p99 under 50 ms.
 * {@code explain=true} also prints the plan and execution time of each query once.
 * {@code messages=} and {@code rooms=} change the sizes.
 */
public final class SearchBenchmark {

    public static void main(String[] args) throws Exception {
        Bench.settings(args);
        int messages = Integer.getInteger("messages", 1_000_000);
        int rooms = Integer.getInteger("rooms", 200);
        try (Bench bench = new Bench("search-bench")) {
            User reader = bench.register();
            long started = System.nanoTime();
            bench.sql("DROP INDEX messages_text_idx",
                    "INSERT INTO rooms (id, name, created_by, last_seq) SELECT 'bench-' || g, 'Bench ' || g, "
                    + "CASE WHEN g <= " + rooms / 2 + " THEN " + reader.id() + " END, " + messages / rooms
                    + " FROM generate_series(1, " + rooms + ") g",
                    "INSERT INTO room_members (room_id, user_id, role) SELECT id, created_by, 'owner' FROM rooms "
                    + "WHERE created_by IS NOT NULL",
                    // Message g goes to room 1 + g % rooms, one second after message g - 1.
                    "INSERT INTO messages (room_id, seq, user_id, username, content, sent_at) "
                    + "SELECT 'bench-' || (1 + g % " + rooms + "), 1 + g / " + rooms + ", 1000 + g % 50, 'seed', w.text, "
                    + "now() - make_interval(secs => " + messages + " - g) "
                    + "FROM generate_series(0, " + (messages - 1) + ") g, LATERAL (SELECT string_agg('w' || "
                    + "floor(exp(random() * ln(5000)))::int, ' ') AS text FROM generate_series(1, 8) WHERE g >= 0) w",
                    "VACUUM ANALYZE"); // every table, as autovacuum would have
            System.out.printf("Seeded %,d messages in %d rooms in %.0f s%n", messages, rooms, (System.nanoTime() - started) / 1e9);
            started = System.nanoTime();
            bench.sql("CREATE INDEX CONCURRENTLY messages_text_idx ON messages USING gin (to_tsvector('simple', content))",
                    "ANALYZE messages");
            System.out.printf("CREATE INDEX CONCURRENTLY messages_text_idx (as migration V51) and ANALYZE over %,d messages: %.1f s%n",
                    messages, (System.nanoTime() - started) / 1e9);
            for (String word : new String[] {"w2000", "w50", "w2", "w50 w3"}) {
                try (Connection c = DriverManager.getConnection(bench.postgres.jdbcUrl(), "postgres", "postgres");
                        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM messages "
                                + "WHERE to_tsvector('simple', content) @@ websearch_to_tsquery('simple', '" + word + "') "
                                + "AND kind = 'message' AND NOT deleted")) {
                    rs.next();
                    System.out.printf("%s is in %,d messages%n", word, rs.getLong(1));
                }
            }

            if (Boolean.getBoolean("explain")) {
                explain(bench, reader.id(), rooms);
            }
            bench.latency("GET /chat/ (baseline: no token, no SQL)", 2000, i -> bench.server.uri("/chat/"), reader);
            for (String word : new String[] {"w2000", "w50", "w2"}) {
                bench.latency("room search q=" + word, 2000,
                        i -> bench.server.uri("/chat/ws/rooms/bench-" + (1 + i % rooms) + "/search?q=" + word), reader);
                bench.latency("room search q=" + word + "&before=", 2000,
                        i -> bench.server.uri("/chat/ws/rooms/bench-" + (1 + i % rooms) + "/search?q=" + word
                                + "&before=" + (1 + (i * 7919L) % (messages / rooms))), reader);
                bench.latency("search across 100 rooms q=" + word, 2000,
                        i -> bench.server.uri("/chat/ws/search?q=" + word), reader);
            }
            // Two common words, together in only about 4,000 messages.
            bench.latency("room search q=w50 w3", 2000,
                    i -> bench.server.uri("/chat/ws/rooms/bench-" + (1 + i % rooms) + "/search?q=w50+w3"), reader);
            bench.latency("search across 100 rooms q=w50 w3", 2000,
                    i -> bench.server.uri("/chat/ws/search?q=w50+w3"), reader);
        }
    }

    /**
     * The plans of the statements {@code Search} runs (copied here), with their execution times in
     * the database alone: in one room, and across rooms both the sorted read of the index's matches
     * and the backward read by time (Search chooses by the estimate printed), each checked to find
     * what the plain query finds.
     */
    private static void explain(Bench bench, long reader, int rooms) throws Exception {
        String columns = "room_id, seq, kind, target_seq, user_id, username, content, sent_at, client_msg_id, edited_at, deleted";
        try (Connection c = DriverManager.getConnection(bench.postgres.jdbcUrl(), "postgres", "postgres")) {
            for (String word : new String[] {"w2000", "w50", "w2", "w50 w3"}) {
                String query = "websearch_to_tsquery('simple', '" + word + "')";
                String matches = "kind = 'message' AND NOT deleted AND to_tsvector('simple', content) @@ " + query;
                String caller = "room_id IN (SELECT room_id FROM room_members WHERE user_id = " + reader + ") AND sent_at < '9999-12-31'";
                String order = " ORDER BY sent_at DESC, room_id DESC, seq DESC LIMIT 20";
                System.out.println(word + ", estimated (Search sorts at most 5000): " + keys(c, "EXPLAIN SELECT 1 FROM messages WHERE " + matches).get(0));
                String sorted = "WITH hits AS MATERIALIZED (SELECT " + columns + " FROM messages WHERE " + caller + " AND " + matches
                        + ") SELECT * FROM hits" + order;
                String backward = "SELECT " + columns + " FROM messages WHERE " + caller + " AND kind = 'message' AND NOT deleted"
                        + " AND ts_match_vq(to_tsvector('simple', content), " + query + ")" + order;
                String inRoom = "SELECT " + columns + " FROM messages WHERE room_id = 'bench-" + (1 + rooms / 3) + "' AND " + matches
                        + " AND seq < 9223372036854775807 ORDER BY seq DESC LIMIT 20";
                for (String sql : new String[] {inRoom, sorted, backward}) {
                    System.out.println("EXPLAIN ANALYZE " + sql);
                    try (ResultSet rs = c.createStatement().executeQuery("EXPLAIN ANALYZE " + sql)) {
                        while (rs.next()) {
                            System.out.println("  " + rs.getString(1));
                        }
                    }
                }
                List<String> plain = keys(c, "SELECT room_id || '/' || seq FROM messages WHERE " + caller + " AND " + matches + order);
                for (String sql : new String[] {sorted, backward}) {
                    if (!plain.equals(keys(c, "SELECT room_id || '/' || seq FROM (" + sql + ") r"))) {
                        throw new IllegalStateException("across rooms, " + word + ": not the plain query's page: " + sql);
                    }
                }
            }
        }
    }

    private static List<String> keys(Connection c, String sql) throws Exception {
        List<String> keys = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }
}
