package org.gochat.system;

import static org.gochat.system.Chat.register;
import static org.gochat.system.Social.delete;
import static org.gochat.system.Social.execute;
import static org.gochat.system.Social.follow;
import static org.gochat.system.Social.get;
import static org.gochat.system.Social.number;
import static org.gochat.system.Social.post;
import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;

import org.gochat.testkit.Http;
import org.gochat.testkit.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** DELETE /user/delete: everything of the user goes, nothing of anyone else, and its tokens stop working. */
@ExtendWith(GochatSystem.class)
class AccountDeletionIT {

    @Test
    void deletesTheUserItsEdgesAndPostsAndRejectsItsTokensEverywhere() throws Exception {
        User gone = register();
        User followed = register();
        User fan = register();
        User bystander = register();
        follow(gone, followed);
        follow(fan, gone);
        follow(fan, followed);
        follow(bystander, fan);
        long goneDeletedPost = id(post("/user/posts", gone, "{\"content\":\"bye\"}"));
        post("/user/posts", gone, "{\"content\":\"bye again\"}");
        long kept = id(post("/user/posts", followed, "{\"content\":\"still here\"}"));
        String room = "r-" + UUID.randomUUID();
        execute("INSERT INTO rooms (id, name, created_by) VALUES (?, 'r', ?)", room, gone.id());
        execute("INSERT INTO messages (room_id, seq, user_id, username, content, sent_at) VALUES (?, 1, ?, ?, 'hi', now())",
                room, gone.id(), gone.username());

        Http.Response deleted = delete("/user/delete", gone);

        assertEquals(204, deleted.status(), deleted.body());
        assertEquals("", deleted.body());
        assertProblem(get("/user/me", gone), 401);
        assertProblem(get("/user/feed", gone), 401);
        assertProblem(post("/user/posts", gone, "{\"content\":\"ghost\"}"), 401);
        assertProblem(delete("/user/delete", gone), 401);
        assertProblem(get("/chat/ws/getRooms", gone), 401);
        assertProblem(post("/auth/logout", gone, null), 401);

        assertProblem(get("/user/" + gone.id(), fan), 404);
        assertProblem(get("/user/posts/" + goneDeletedPost, fan), 404);
        assertEquals(0, number("SELECT count(*) FROM users WHERE id = ?", gone.id()));
        assertEquals(0, number("SELECT count(*) FROM posts WHERE author_id = ?", gone.id()));
        assertEquals(0, number("SELECT count(*) FROM user_followers WHERE ? IN (follower_id, following_id)", gone.id()));
        assertEquals(1, number("SELECT count(*) FROM deleted_users WHERE user_id = ?", gone.id()));

        assertEquals(counts(1, 0), counts(followed, fan));
        assertEquals(counts(1, 1), counts(fan, fan));
        assertEquals(counts(0, 1), counts(bystander, fan));
        assertEquals(200, get("/user/posts/" + kept, fan).status());
        assertEquals(1, number("SELECT count(*) FROM user_followers WHERE follower_id = ? AND following_id = ?",
                fan.id(), followed.id()));
        assertEquals(1, number("SELECT count(*) FROM rooms WHERE id = ? AND created_by IS NULL", room));
        assertEquals(1, number("SELECT count(*) FROM messages WHERE room_id = ? AND username = ?", room, gone.username()));
    }

    /**
     * A deleted account's messages keep its username, so the username is never registered again, in
     * any case; its email is free again.
     */
    @Test
    void aDeletedAccountsUsernameStaysWithItsMessagesAndIsNeverRegisteredAgain() throws Exception {
        User gone = register();
        String room = "r-" + UUID.randomUUID();
        execute("INSERT INTO rooms (id, name, created_by) VALUES (?, 'r', ?)", room, gone.id());
        execute("INSERT INTO messages (room_id, seq, user_id, username, content, sent_at) VALUES (?, 1, ?, ?, 'hi', now())",
                room, gone.id(), gone.username());
        assertEquals(204, delete("/user/delete", gone).status());

        assertProblem(AuthIT.register(gone.username(), "other-" + gone.email(), "correct horse"), 409);
        assertProblem(AuthIT.register(gone.username().toUpperCase(), "another-" + gone.email(), "correct horse"), 409);
        assertEquals(0, number("SELECT count(*) FROM users WHERE lower(username) = lower(?)", gone.username()));
        assertEquals(1, number("SELECT count(*) FROM messages WHERE room_id = ? AND user_id = ? AND username = ?",
                room, gone.id(), gone.username()));
        assertEquals(201, AuthIT.register("n" + AuthIT.unique(), gone.email(), "correct horse").status());
    }

    /**
     * A deletion that PostgreSQL ends to break a deadlock runs again: here another transaction holds
     * a follower's row, which the deletion waits for while it holds the account's row, then asks for
     * the account's row too (as that follower's next follow or unfollow would).
     */
    @Test
    void aDeletionEndedToBreakADeadlockRunsAgain() throws Exception {
        User gone = register();
        User fan = register(); // a higher id: the deletion locks gone's row first, then fan's
        follow(fan, gone);
        Http.Response deleted = whileDeadlocked(fan, gone, () -> delete("/user/delete", gone));
        assertEquals(204, deleted.status(), deleted.body());
        assertEquals(0, number("SELECT count(*) FROM users WHERE id = ?", gone.id()));
        assertEquals(counts(0, 0), counts(fan, fan));
    }

    /** The same for a follow: it holds the follower's row and waits for the other's. */
    @Test
    void aFollowEndedToBreakADeadlockRunsAgain() throws Exception {
        User fan = register();
        User star = register();
        Http.Response followed = whileDeadlocked(star, fan,
                () -> post("/user/follow?toFollowId=" + star.id(), fan, null));
        assertEquals(200, followed.status(), followed.body());
        assertEquals(counts(1, 0), counts(star, fan));
    }

    /**
     * Runs the call while a transaction of this test holds {@code first}'s users row; once the call
     * waits for that row, the transaction asks for {@code second}'s row, which the call holds: a
     * deadlock, which PostgreSQL breaks by ending the call's transaction (it waited first). Then this
     * transaction ends too, and the call's answer is returned.
     */
    private static Http.Response whileDeadlocked(User first, User second, Callable<Http.Response> call)
            throws Exception {
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (Connection c = GochatSystem.postgres().dataSource().getConnection()) {
            c.setAutoCommit(false);
            // PostgreSQL ends the transaction whose deadlock check runs first, normally the one that waited
            // first (the call), but on a busy machine its check can come late: this one checks much later.
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL deadlock_timeout = '20s'");
            }
            lockUser(c, first);
            Future<Http.Response> answer = caller.submit(call);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (number("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") == 0) {
                assertTrue(System.nanoTime() < deadline, "the call never waited for the row");
                Thread.sleep(10);
            }
            lockUser(c, second);
            c.rollback();
            return answer.get(30, TimeUnit.SECONDS);
        } finally {
            caller.shutdownNow();
        }
    }

    private static void lockUser(Connection c, User user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE")) {
            ps.setLong(1, user.id());
            ps.executeQuery().close();
        }
    }

    private static jakarta.json.JsonObject counts(long followers, long following) {
        return Json.createObjectBuilder().add("followers", followers).add("following", following).build();
    }

    private static jakarta.json.JsonObject counts(User user, User asker) {
        var profile = get("/user/" + user.id(), asker).json();
        return counts(profile.getJsonNumber("followers").longValue(), profile.getJsonNumber("following").longValue());
    }

    private static long id(Http.Response created) {
        assertEquals(201, created.status(), created.body());
        return created.json().getJsonNumber("id").longValueExact();
    }
}
