package org.gochat.user;

import static org.gochat.user.TestData.edges;
import static org.gochat.user.TestData.followersCount;
import static org.gochat.user.TestData.followingCount;
import static org.gochat.user.TestData.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import javax.naming.InitialContext;

import jakarta.inject.Inject;

import org.gochat.testkit.User;
import org.gochat.user.control.Users;
import org.gochat.user.entity.UserProfile;
import org.gochat.user.entity.UserRef;
import org.gochat.web.ProblemException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside Liberty: the real Users bean (profiles, the follow graph) against the real PostgreSQL. */
@ExtendWith(ArquillianExtension.class)
class UsersIT {

    @Deployment
    static WebArchive deployment() {
        return TestData.deployment("user-it");
    }

    @Inject
    Users users;

    @Test
    void findsAProfileStoredInPostgres() throws Exception {
        User u = user();

        UserProfile profile = users.find(u.id()).orElseThrow();
        assertEquals(u.username(), profile.getUsername());
        assertEquals(u.username() + "@example.org", profile.getEmail());
        assertEquals(0, profile.getFollowers());
        assertEquals(0, profile.getFollowing());
        assertTrue(users.find(u.id() + 1_000_000).isEmpty());
    }

    @Test
    void followAndUnfollowAreIdempotentAndKeepBothCounters() throws Exception {
        User a = user();
        User b = user();

        users.follow(a.id(), b.id());
        users.follow(a.id(), b.id());
        assertEquals(1, edges(a.id(), b.id()));
        assertEquals(1, users.find(a.id()).orElseThrow().getFollowing());
        assertEquals(0, users.find(a.id()).orElseThrow().getFollowers());
        assertEquals(1, users.find(b.id()).orElseThrow().getFollowers());
        assertEquals(0, users.find(b.id()).orElseThrow().getFollowing());

        users.unfollow(a.id(), b.id());
        users.unfollow(a.id(), b.id());
        assertEquals(0, edges(a.id(), b.id()));
        assertEquals(0, followingCount(a.id()));
        assertEquals(0, followersCount(b.id()));
    }

    @Test
    void followingAnUnknownUserIs404AndChangesNothing() throws Exception {
        User a = user();

        ProblemException e = assertThrows(ProblemException.class, () -> users.follow(a.id(), a.id() + 1_000_000));
        assertEquals(404, e.status());
        e = assertThrows(ProblemException.class, () -> users.unfollow(a.id(), a.id() + 1_000_000));
        assertEquals(404, e.status());
        assertEquals(0, followingCount(a.id()));
    }

    @Test
    void followersAndFollowingPageByIdWithAfter() throws Exception {
        User star = user();
        List<Long> fans = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            User fan = user();
            users.follow(fan.id(), star.id());
            users.follow(star.id(), fan.id());
            fans.add(fan.id());
        }

        List<UserRef> first = users.followers(star.id(), 0, 2);
        List<UserRef> second = users.followers(star.id(), first.get(1).id(), 2);
        List<UserRef> last = users.followers(star.id(), second.get(1).id(), 2);
        List<UserRef> none = users.followers(star.id(), last.get(0).id(), 2);
        assertEquals(fans, ids(first, second, last));
        assertEquals(1, last.size());
        assertTrue(none.isEmpty());
        assertEquals(fans.subList(3, 5), ids(users.following(star.id(), fans.get(2), 50)));
        assertEquals(5, followersCount(star.id()));
        assertEquals(5, followingCount(star.id()));

        assertEquals(404, assertThrows(ProblemException.class,
                () -> users.followers(star.id() + 1_000_000, 0, 50)).status());
        assertEquals(404, assertThrows(ProblemException.class,
                () -> users.following(star.id() + 1_000_000, 0, 50)).status());
    }

    @Test
    void fiftyParallelFollowsAndUnfollowsOfOnePairEndConsistent() throws Exception {
        User a = user();
        User b = user();
        ExecutorService executor = InitialContext.doLookup("java:comp/DefaultManagedExecutorService");

        List<Callable<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            boolean follow = i % 2 == 0;
            calls.add(() -> {
                if (follow) {
                    users.follow(a.id(), b.id());
                } else {
                    users.unfollow(a.id(), b.id());
                }
                return null;
            });
        }
        for (Future<Void> f : executor.invokeAll(calls)) {
            f.get();
        }

        long edge = edges(a.id(), b.id());
        assertEquals(edge, followingCount(a.id()));
        assertEquals(edge, followersCount(b.id()));
        assertEquals(0, followersCount(a.id()));
        assertEquals(0, followingCount(b.id()));
    }

    @Test
    void twoUsersFollowingEachOtherAtOnceNeverDeadlock() throws Exception {
        ExecutorService executor = InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
        List<User[]> pairs = new ArrayList<>();
        List<Callable<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            User a = user();
            User b = user();
            pairs.add(new User[] {a, b});
            calls.add(() -> {
                users.follow(a.id(), b.id());
                return null;
            });
            calls.add(() -> {
                users.follow(b.id(), a.id());
                return null;
            });
        }
        for (Future<Void> f : executor.invokeAll(calls)) {
            f.get();
        }
        for (User[] pair : pairs) {
            for (User u : pair) {
                assertEquals(1, followersCount(u.id()));
                assertEquals(1, followingCount(u.id()));
            }
        }
    }

    @Test
    void deletionTakesTheUserItsEdgesAndPostsAndFixesTheOtherSidesCounts() throws Exception {
        User gone = user();
        User followed = user();
        User fan = user();
        users.follow(gone.id(), followed.id());
        users.follow(fan.id(), gone.id());
        users.follow(fan.id(), followed.id());
        TestData.count("INSERT INTO posts (author_id, content) VALUES (?, 'bye'), (?, 'kept') RETURNING 1",
                gone.id(), followed.id());

        users.delete(gone.id());

        assertTrue(users.find(gone.id()).isEmpty());
        assertEquals(0, TestData.count("SELECT count(*) FROM user_followers WHERE ? IN (follower_id, following_id)",
                gone.id()));
        assertEquals(0, TestData.count("SELECT count(*) FROM posts WHERE author_id = ?", gone.id()));
        assertEquals(1, TestData.count("SELECT count(*) FROM posts WHERE author_id = ?", followed.id()));
        assertEquals(1, TestData.count("SELECT count(*) FROM deleted_users WHERE user_id = ?", gone.id()));
        assertEquals(1, followersCount(followed.id()));
        assertEquals(1, followingCount(fan.id()));
        assertEquals(1, edges(fan.id(), followed.id()));
        assertEquals(401, assertThrows(ProblemException.class, () -> users.delete(gone.id())).status());
    }

    @SafeVarargs
    private static List<Long> ids(List<UserRef>... pages) {
        return java.util.Arrays.stream(pages).flatMap(List::stream).map(UserRef::id).toList();
    }
}
