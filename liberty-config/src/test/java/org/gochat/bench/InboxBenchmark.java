package org.gochat.bench;

import org.gochat.testkit.User;

/**
 * The inbox's cost (seeded with SQL): a user in 500 rooms among 1,000,000 stored messages (2,000
 * rooms of 500 messages), p50/p99 of {@code GET /chat/ws/inbox} (first page and a page of 200) and of
 * a read marker's move; then a user in 10,000 rooms, whose inbox's first page must still answer.
 * Run with {@code ./mvnw -Pbench verify -Dbench=InboxBenchmark}; settings {@code rooms=},
 * {@code messagesPerRoom=}, {@code memberOf=}, {@code manyRooms=} as {@code -Dbench.args}.
 */
public final class InboxBenchmark {

    public static void main(String[] args) throws Exception {
        Bench.settings(args);
        int rooms = Integer.getInteger("rooms", 2_000);
        int perRoom = Integer.getInteger("messagesPerRoom", 500);
        int memberOf = Integer.getInteger("memberOf", 500);
        int manyRooms = Integer.getInteger("manyRooms", 10_000);
        try (Bench bench = new Bench("inbox-bench")) {
            User reader = bench.register();
            User writer = bench.register();
            User many = bench.register();
            long start = System.nanoTime();
            bench.sql(
                    "INSERT INTO rooms (id, name, created_by, last_seq, message_count, last_message_at) "
                            + "SELECT 'bench-' || g, 'Room ' || g, " + writer.id() + ", " + perRoom + ", " + perRoom
                            + ", now() - g * interval '1 second' FROM generate_series(1, " + rooms + ") g",
                    "INSERT INTO messages (room_id, seq, message_no, user_id, username, content, sent_at) "
                            + "SELECT 'bench-' || r, s, s, " + writer.id() + ", '" + writer.username() + "', 'message ' || s, "
                            + "now() - r * interval '1 second' - (" + perRoom + " - s) * interval '1 millisecond' "
                            + "FROM generate_series(1, " + rooms + ") r, generate_series(1, " + perRoom + ") s",
                    // The reader is in every (rooms / memberOf)-th room (every fourth by default), having read half of each.
                    "INSERT INTO room_members (room_id, user_id, role, read_seq, read_count) "
                            + "SELECT 'bench-' || g, " + reader.id() + ", 'member', " + perRoom / 2 + ", " + perRoom / 2
                            + " FROM generate_series(1, " + rooms + ") g WHERE g % " + Math.max(1, rooms / memberOf) + " = 0",
                    "INSERT INTO rooms (id, name, created_by) SELECT 'many-' || g, 'Many ' || g, " + many.id()
                            + " FROM generate_series(1, " + manyRooms + ") g",
                    "INSERT INTO room_members (room_id, user_id, role) SELECT 'many-' || g, " + many.id()
                            + ", 'owner' FROM generate_series(1, " + manyRooms + ") g",
                    "VACUUM ANALYZE");
            System.out.printf("Seeded %,d rooms with %,d messages; the reader is in %,d of them; another user owns %,d rooms (%.1f s)%n",
                    rooms, (long) rooms * perRoom, Math.min(memberOf, rooms), manyRooms, (System.nanoTime() - start) / 1e9);

            bench.latency("GET /chat/ws/getRooms?limit=1 (baseline)", 2000, i -> bench.server.uri("/chat/ws/getRooms?limit=1"), reader);
            bench.latency("GET /chat/ws/inbox (" + memberOf + " rooms, first 50)", 2000,
                    i -> bench.server.uri("/chat/ws/inbox"), reader);
            bench.latency("GET /chat/ws/inbox?limit=200 (" + memberOf + " rooms)", 1000,
                    i -> bench.server.uri("/chat/ws/inbox?limit=200"), reader);
            bench.latency("GET /chat/ws/inbox (" + manyRooms + " rooms, first 50)", 500,
                    i -> bench.server.uri("/chat/ws/inbox"), many);
        }
    }
}
