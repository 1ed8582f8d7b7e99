package org.gochat.user.control;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import org.gochat.user.entity.Post;
import org.gochat.web.ProblemException;

/** Posts and the home feed, newest first, paged by id ({@code before}). */
@ApplicationScoped
public class Posts {

    public static final int MAX_LENGTH = 500;

    /** Key of the transaction lock under which post ids are handed out. */
    private static final long ID_LOCK = 0x676f636861740020L;

    /** Up to this many followed users the feed merges per author; past it, it walks the posts by id. */
    public static final int FEW_FOLLOWED = 100;

    private static final String FEED_BY_AUTHOR = "WITH authors AS (SELECT following_id AS id FROM user_followers "
            + "WHERE follower_id = ?1 UNION ALL SELECT ?1), "
            + "top AS (SELECT t.id FROM authors a CROSS JOIN LATERAL (SELECT id FROM posts "
            + "WHERE author_id = a.id AND id < ?2 ORDER BY id DESC LIMIT ?3) t ORDER BY t.id DESC LIMIT ?3) "
            + "SELECT " + Post.COLUMNS + " FROM top JOIN posts p ON p.id = top.id JOIN users u ON u.id = p.author_id "
            + "ORDER BY p.id DESC";

    private static final String FEED_BY_ID = "SELECT " + Post.COLUMNS + " FROM posts p JOIN users u ON u.id = p.author_id "
            + "WHERE p.id < ?2 AND (p.author_id = ?1 OR p.author_id IN "
            + "(SELECT following_id FROM user_followers WHERE follower_id = ?1)) ORDER BY p.id DESC LIMIT ?3";

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    @Inject
    Users users;

    /** Stores a post of {@code authorId}: the content trimmed, 1–500 characters; 400 otherwise. */
    @Transactional(dontRollbackOn = ProblemException.class)
    public Post create(long authorId, String content) {
        String text = content.strip();
        int length = text.codePointCount(0, text.length());
        if (length < 1 || length > MAX_LENGTH) {
            throw ProblemException.invalid("content", "must be 1 to " + MAX_LENGTH + " characters after trimming");
        }
        // Ids are taken and committed one writer at a time, so a post with a smaller id is never
        // committed after a reader saw a greater one: paging by id neither skips nor repeats.
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, ID_LOCK).getSingleResult();
        List<?> rows = em.createNativeQuery("WITH p AS (INSERT INTO posts (author_id, content) "
                + "SELECT id, ?2 FROM users WHERE id = ?1 RETURNING id, author_id, content, created_at) "
                + "SELECT " + Post.COLUMNS + " FROM p JOIN users u ON u.id = p.author_id")
                .setParameter(1, authorId).setParameter(2, text)
                .getResultList();
        if (rows.isEmpty()) {
            throw ProblemException.unauthorized("The account no longer exists.");
        }
        return Post.of((Object[]) rows.get(0));
    }

    public Optional<Post> find(long id) {
        return posts(em.createNativeQuery("SELECT " + Post.COLUMNS
                + " FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ?1").setParameter(1, id))
                .stream().findFirst();
    }

    /** Deletes a post of {@code callerId}: 404 for an unknown post, 403 for someone else's. */
    @Transactional(dontRollbackOn = ProblemException.class)
    public void delete(long callerId, long id) {
        List<?> author = em.createNativeQuery("SELECT author_id FROM posts WHERE id = ?1 FOR UPDATE")
                .setParameter(1, id).getResultList();
        if (author.isEmpty()) {
            throw ProblemException.notFound("No post " + id + ".");
        }
        if (((Number) author.get(0)).longValue() != callerId) {
            throw ProblemException.forbidden("Only the author may delete a post.");
        }
        em.createNativeQuery("DELETE FROM posts WHERE id = ?1").setParameter(1, id).executeUpdate();
    }

    /** The posts of {@code authorId} older than {@code before}, newest first; 404 for an unknown user. */
    public List<Post> byAuthor(long authorId, long before, int limit) {
        users.requireExists(authorId);
        return page("SELECT " + Post.COLUMNS + " FROM posts p JOIN users u ON u.id = p.author_id "
                + "WHERE p.author_id = ?1 AND p.id < ?2 ORDER BY p.id DESC LIMIT ?3", authorId, before, limit);
    }

    /**
     * The posts of the users {@code userId} follows and its own, older than {@code before}, newest first.
     * Two plans, chosen by how many users the reader follows (EXPLAIN ANALYZE figures in the README):
     * for a few, the newest {@code limit} ids of each author from posts_author_id_idx, merged (cost grows
     * with the authors followed); for many, the posts newest first by primary key, kept when the author
     * is followed (cost grows with the posts skipped, few when many authors are followed). A plain join
     * sorted by id would read every post of every followed author.
     */
    public List<Post> feed(long userId, long before, int limit) {
        List<?> following = em.createNativeQuery("SELECT following_count FROM users WHERE id = ?1")
                .setParameter(1, userId).getResultList();
        boolean few = following.isEmpty() || ((Number) following.get(0)).longValue() <= FEW_FOLLOWED;
        return page(few ? FEED_BY_AUTHOR : FEED_BY_ID, userId, before, limit);
    }

    private List<Post> page(String sql, long userId, long before, int limit) {
        return posts(em.createNativeQuery(sql).setParameter(1, userId).setParameter(2, before).setParameter(3, limit));
    }

    private static List<Post> posts(Query query) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(Post::of).toList();
    }
}
