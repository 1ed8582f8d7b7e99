package org.gochat.user;

import static org.gochat.user.TestData.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.gochat.testkit.User;
import org.gochat.user.control.Posts;
import org.gochat.user.control.Users;
import org.gochat.user.entity.Post;
import org.gochat.web.ProblemException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside Liberty: the real Posts bean (posts, the feed) against the real PostgreSQL. */
@ExtendWith(ArquillianExtension.class)
class PostsIT {

    @Deployment
    static WebArchive deployment() {
        return TestData.deployment("posts-it");
    }

    @Inject
    Posts posts;

    @Inject
    Users users;

    @Test
    void storesTrimmedContentWithAuthorAndTime() throws Exception {
        User a = user();

        Post post = posts.create(a.id(), "  hello world \n");

        assertEquals("hello world", post.content());
        assertEquals(a.id(), post.authorId());
        assertEquals(a.username(), post.authorUsername());
        assertTrue(Duration.between(post.createdAt(), Instant.now()).abs().toSeconds() < 60);
        assertEquals(post, posts.find(post.id()).orElseThrow());
        assertTrue(posts.find(post.id() + 1_000_000).isEmpty());
    }

    @Test
    void contentMustBeOneTo500CharactersAfterTrimming() throws Exception {
        User a = user();

        assertEquals(500, posts.create(a.id(), " " + "x".repeat(500) + " ").content().length());
        assertEquals(1, posts.create(a.id(), "\uD83D\uDE00").content().codePointCount(0, 2));
        for (String bad : List.of("", "   \t\n", "x".repeat(501))) {
            ProblemException e = assertThrows(ProblemException.class, () -> posts.create(a.id(), bad));
            assertEquals(400, e.status());
            assertEquals("content", e.problem().errors().get(0).field());
        }
        assertEquals(2, posts.byAuthor(a.id(), Long.MAX_VALUE, 100).size());
    }

    @Test
    void onlyTheAuthorDeletesAPost() throws Exception {
        User a = user();
        User b = user();
        Post post = posts.create(a.id(), "mine");

        assertEquals(403, assertThrows(ProblemException.class, () -> posts.delete(b.id(), post.id())).status());
        assertTrue(posts.find(post.id()).isPresent());
        posts.delete(a.id(), post.id());
        assertTrue(posts.find(post.id()).isEmpty());
        assertEquals(404, assertThrows(ProblemException.class, () -> posts.delete(a.id(), post.id())).status());
    }

    @Test
    void aUsersPostsNewestFirstPagedByBefore() throws Exception {
        User a = user();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(0, posts.create(a.id(), "post " + i).id());
        }

        List<Post> first = posts.byAuthor(a.id(), Long.MAX_VALUE, 2);
        List<Post> second = posts.byAuthor(a.id(), first.get(1).id(), 2);
        List<Post> last = posts.byAuthor(a.id(), second.get(1).id(), 2);
        assertEquals(ids, ids(first, second, last));
        assertTrue(posts.byAuthor(a.id(), last.get(0).id(), 2).isEmpty());
        assertEquals(404, assertThrows(ProblemException.class,
                () -> posts.byAuthor(a.id() + 1_000_000, Long.MAX_VALUE, 20)).status());
    }

    @Test
    void feedHasOwnAndFollowedPostsNewestFirstAndPagesStablyWhilePostsArrive() throws Exception {
        User me = user();
        User followed = user();
        User stranger = user();
        users.follow(me.id(), followed.id());
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.add(0, posts.create(i % 2 == 0 ? me.id() : followed.id(), "p" + i).id());
            posts.create(stranger.id(), "not for me " + i);
        }
        Post followedPost = posts.find(expected.get(0)).orElseThrow();
        assertEquals(followed.username(), followedPost.authorUsername());

        List<Post> first = posts.feed(me.id(), Long.MAX_VALUE, 4);
        // New posts while paging: the next page continues exactly where the first ended.
        long newer = posts.create(followed.id(), "newer").id();
        List<Post> second = posts.feed(me.id(), first.get(3).id(), 4);
        assertEquals(expected, ids(first, second));
        assertEquals(newer, posts.feed(me.id(), Long.MAX_VALUE, 1).get(0).id());

        users.unfollow(me.id(), followed.id());
        assertTrue(posts.feed(me.id(), Long.MAX_VALUE, 100).stream().allMatch(p -> p.authorId() == me.id()));
    }

    @Test
    void feedOfSomeoneFollowingManyWalksThePostsByIdWithTheSameResult() throws Exception {
        User me = user();
        List<User> followed = new ArrayList<>();
        for (int i = 0; i <= Posts.FEW_FOLLOWED; i++) {
            User u = user();
            users.follow(me.id(), u.id());
            followed.add(u);
        }
        User stranger = user();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            posts.create(stranger.id(), "not for me " + i);
            expected.add(0, posts.create(i % 7 == 0 ? me.id() : followed.get(i * 13 % followed.size()).id(), "p" + i).id());
        }

        List<Post> first = posts.feed(me.id(), Long.MAX_VALUE, 20);
        List<Post> rest = posts.feed(me.id(), first.get(19).id(), 20);
        assertEquals(expected, ids(first, rest));
    }

    @SafeVarargs
    private static List<Long> ids(List<Post>... pages) {
        return java.util.Arrays.stream(pages).flatMap(List::stream).map(Post::id).toList();
    }
}
