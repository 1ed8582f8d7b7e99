package org.gochat.user.control;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.gochat.user.entity.UserProfile;
import org.gochat.user.entity.UserRef;
import org.gochat.web.ProblemException;
import org.gochat.web.Revocations;

/**
 * Profiles and the follow graph. The counters in users change in the transaction that changes an
 * edge, and only when a row really changed. Every write locks the users rows it touches first, in id
 * order, so two users following each other at once never deadlock. A deletion can: it locks the
 * neighbours the account had when it began, and a follow committed while it waited adds one, locked
 * later and out of order. PostgreSQL then ends one of the two, and the resource runs it again
 * ({@link org.gochat.db.Deadlocks}).
 */
@ApplicationScoped
public class Users {

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    public Optional<UserProfile> find(long id) {
        return Optional.ofNullable(em.find(UserProfile.class, id));
    }

    /** The user of this username, ignoring case (as the unique index users_username_key does). */
    public Optional<UserProfile> findByUsername(String username) {
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("SELECT id FROM users WHERE lower(username) = lower(?1)")
                .setParameter(1, username).getResultList();
        return ids.isEmpty() ? Optional.empty() : find(ids.get(0).longValue());
    }

    /** Who follows {@code id}, by id, after {@code after}; 404 for an unknown user. */
    public List<UserRef> followers(long id, long after, int limit) {
        return page("SELECT u.id, u.username FROM (SELECT follower_id AS id FROM user_followers "
                + "WHERE following_id = ?1 AND follower_id > ?2 ORDER BY follower_id LIMIT ?3) f "
                + "JOIN users u ON u.id = f.id ORDER BY u.id", id, after, limit);
    }

    /** Whom {@code id} follows, by id, after {@code after}; 404 for an unknown user. */
    public List<UserRef> following(long id, long after, int limit) {
        return page("SELECT u.id, u.username FROM (SELECT following_id AS id FROM user_followers "
                + "WHERE follower_id = ?1 AND following_id > ?2 ORDER BY following_id LIMIT ?3) f "
                + "JOIN users u ON u.id = f.id ORDER BY u.id", id, after, limit);
    }

    // The page of ids first, then their names: joined the other way round, PostgreSQL may walk users
    // from the first id to the page (a merge join), which grows with the position of the page.
    private List<UserRef> page(String sql, long id, long after, int limit) {
        requireExists(id);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(sql)
                .setParameter(1, id).setParameter(2, after).setParameter(3, limit)
                .getResultList();
        return rows.stream().map(UserRef::of).toList();
    }

    /** Throws 404 unless the user exists. */
    public void requireExists(long id) {
        if (em.createNativeQuery("SELECT 1 FROM users WHERE id = ?1").setParameter(1, id).getResultList().isEmpty()) {
            throw ProblemException.notFound("No user " + id + ".");
        }
    }

    /** {@code followerId} follows {@code followingId}; nothing changes when it already does. */
    @Transactional(dontRollbackOn = ProblemException.class)
    public void follow(long followerId, long followingId) {
        lockPair(followerId, followingId);
        int inserted = em.createNativeQuery("INSERT INTO user_followers (follower_id, following_id) VALUES (?1, ?2) "
                + "ON CONFLICT DO NOTHING")
                .setParameter(1, followerId).setParameter(2, followingId).executeUpdate();
        if (inserted == 1) {
            count(followerId, followingId, 1);
        }
    }

    /** {@code followerId} stops following {@code followingId}; nothing changes when it did not. */
    @Transactional(dontRollbackOn = ProblemException.class)
    public void unfollow(long followerId, long followingId) {
        lockPair(followerId, followingId);
        int deleted = em.createNativeQuery("DELETE FROM user_followers WHERE follower_id = ?1 AND following_id = ?2")
                .setParameter(1, followerId).setParameter(2, followingId).executeUpdate();
        if (deleted == 1) {
            count(followerId, followingId, -1);
        }
    }

    private void lockPair(long followerId, long followingId) {
        List<Long> locked = lock("SELECT id FROM users WHERE id IN (?1, ?2) ORDER BY id FOR NO KEY UPDATE",
                followerId, followingId);
        if (!locked.contains(followerId)) {
            throw ProblemException.unauthorized("The account no longer exists.");
        }
        if (!locked.contains(followingId)) {
            throw ProblemException.notFound("No user " + followingId + ".");
        }
    }

    private void count(long followerId, long followingId, int delta) {
        em.createNativeQuery("UPDATE users SET "
                + "following_count = following_count + CASE WHEN id = ?1 THEN ?3 ELSE 0 END, "
                + "followers_count = followers_count + CASE WHEN id = ?2 THEN ?3 ELSE 0 END "
                + "WHERE id IN (?1, ?2)")
                .setParameter(1, followerId).setParameter(2, followingId).setParameter(3, delta)
                .executeUpdate();
    }

    /**
     * Deletes an account: its edges (adjusting the counters of the other side), its posts (cascade),
     * and every token of it from now on, all in one transaction. Messages stay, under the account's
     * username, so the username is retired: no other account can ever register it. Rooms it created
     * keep going without a creator.
     */
    @Transactional(dontRollbackOn = ProblemException.class)
    public void delete(long id) {
        // The user and everyone next to it, in id order. Once the user's row is locked no edge of it
        // can change (a follow locks both rows), so the counters below see the final set of edges.
        List<Long> locked = lock("SELECT id FROM users WHERE id = ?1 "
                + "OR id IN (SELECT following_id FROM user_followers WHERE follower_id = ?1) "
                + "OR id IN (SELECT follower_id FROM user_followers WHERE following_id = ?2) "
                + "ORDER BY id FOR NO KEY UPDATE", id, id);
        if (!locked.contains(id)) {
            throw ProblemException.unauthorized("The account no longer exists.");
        }
        em.createNativeQuery("UPDATE users SET followers_count = followers_count - 1 "
                + "WHERE id IN (SELECT following_id FROM user_followers WHERE follower_id = ?1)")
                .setParameter(1, id).executeUpdate();
        em.createNativeQuery("UPDATE users SET following_count = following_count - 1 "
                + "WHERE id IN (SELECT follower_id FROM user_followers WHERE following_id = ?1)")
                .setParameter(1, id).executeUpdate();
        em.createNativeQuery("INSERT INTO retired_usernames (username) SELECT lower(username) FROM users WHERE id = ?1 "
                + "ON CONFLICT DO NOTHING").setParameter(1, id).executeUpdate();
        em.createNativeQuery("DELETE FROM users WHERE id = ?1").setParameter(1, id).executeUpdate();
        Revocations.userDeleted(em, id);
    }

    private List<Long> lock(String sql, long first, long second) {
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery(sql).setParameter(1, first).setParameter(2, second).getResultList();
        return ids.stream().map(o -> ((Number) o).longValue()).toList();
    }
}
