package org.gochat.web;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.gochat.db.Bus;
import org.gochat.db.Database;

/**
 * Revoked tokens and deleted accounts, known to every server without a database round trip per
 * request: each server keeps both sets in memory, loads them from {@code revoked_tokens} and
 * {@code deleted_users} when it starts and whenever the notification bus reconnects, and adds to
 * them from the bus channels {@value #TOKENS} and {@value #USERS}. Entries leave when the tokens
 * they concern would have expired anyway.
 */
public final class Revocations {

    /** Told on every server when a token is revoked or an account deleted on any server. */
    public interface Listener {
        void tokenRevoked(String jti);

        void userDeleted(long userId);
    }

    static final String TOKENS = "gochat_revocations";
    static final String USERS = "gochat_user_deleted";

    private static final Logger LOG = Logger.getLogger(Revocations.class.getName());
    private static final long PURGE_EVERY_MILLIS = 60_000;

    private static final Map<String, Instant> REVOKED = new ConcurrentHashMap<>();
    private static final Map<Long, Instant> DELETED = new ConcurrentHashMap<>();
    private static final List<Listener> LISTENERS = new CopyOnWriteArrayList<>();
    private static volatile boolean loaded;
    private static boolean subscribed;
    private static volatile long nextPurge;

    private Revocations() {
    }

    /**
     * Subscribes to the bus and loads both sets, once per server; called as each service starts.
     * Until a load has succeeded every check fails closed (503), never open.
     */
    public static synchronized void start() {
        if (!subscribed) {
            Bus.subscribe(TOKENS, subscriber(Revocations::tokenRevokedNotice));
            Bus.subscribe(USERS, subscriber(Revocations::userDeletedNotice));
            subscribed = true;
        }
        if (!loaded) {
            load();
        }
    }

    /** Takes each notice of the channel; after a (re)connection, reloads what may have been missed. */
    private static Bus.Subscriber subscriber(Consumer<String> notice) {
        return new Bus.Subscriber() {
            @Override
            public void onNotification(String payload) {
                notice.accept(payload);
            }

            @Override
            public void onReconnect() {
                loadQuietly();
            }
        };
    }

    public static boolean isRevoked(String jti) {
        ready();
        return REVOKED.containsKey(jti);
    }

    public static boolean isDeleted(long userId) {
        ready();
        return DELETED.containsKey(userId);
    }

    /** Revokes a token until it expires: stored and announced in the caller's transaction. */
    public static void revoke(EntityManager em, String jti, Instant expiresAt) {
        em.createNativeQuery("DELETE FROM revoked_tokens WHERE expires_at < now()").executeUpdate();
        em.createNativeQuery("INSERT INTO revoked_tokens (jti, expires_at) VALUES (?1, to_timestamp(?2)) "
                + "ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(revoked_tokens.expires_at, EXCLUDED.expires_at)")
                .setParameter(1, jti)
                .setParameter(2, expiresAt.getEpochSecond())
                .executeUpdate();
        notify(em, TOKENS, jti + " " + expiresAt.getEpochSecond());
        afterCommit(() -> REVOKED.merge(jti, expiresAt, Revocations::later));
    }

    /**
     * Rejects every token of a deleted account until the longest token lifetime has passed:
     * stored and announced in the caller's transaction.
     */
    public static void userDeleted(EntityManager em, long userId) {
        Instant until = Instant.now().plus(Tokens.lifetime()).plus(Tokens.clockSkew());
        em.createNativeQuery("INSERT INTO deleted_users (user_id, expires_at) VALUES (?1, to_timestamp(?2)) "
                + "ON CONFLICT (user_id) DO UPDATE SET expires_at = GREATEST(deleted_users.expires_at, EXCLUDED.expires_at)")
                .setParameter(1, userId)
                .setParameter(2, until.getEpochSecond())
                .executeUpdate();
        notify(em, USERS, userId + " " + until.getEpochSecond());
        afterCommit(() -> DELETED.merge(userId, until, Revocations::later));
    }

    /** Calls the listener on this server for every revocation and deletion, from any server, from now on. */
    public static Bus.Subscription listen(Listener listener) {
        start();
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    private static void notify(EntityManager em, String channel, String payload) {
        em.createNativeQuery("SELECT pg_notify(?1, ?2)").setParameter(1, channel).setParameter(2, payload).getSingleResult();
    }

    /** Applies a change to this server's sets once the transaction commits (at once without one). */
    private static void afterCommit(Runnable change) {
        TransactionSynchronizationRegistry registry;
        try {
            registry = (TransactionSynchronizationRegistry) new InitialContext()
                    .lookup("java:comp/TransactionSynchronizationRegistry");
        } catch (NamingException e) {
            registry = null;
        }
        if (registry == null || registry.getTransactionStatus() != Status.STATUS_ACTIVE) {
            change.run();
            return;
        }
        registry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    change.run();
                }
            }
        });
    }

    private static void tokenRevokedNotice(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length != 2) {
            return;
        }
        REVOKED.merge(parts[0], Instant.ofEpochSecond(Long.parseLong(parts[1])), Revocations::later);
        for (Listener l : LISTENERS) {
            tell(() -> l.tokenRevoked(parts[0]));
        }
    }

    private static void userDeletedNotice(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length != 2) {
            return;
        }
        long userId = Long.parseLong(parts[0]);
        DELETED.merge(userId, Instant.ofEpochSecond(Long.parseLong(parts[1])), Revocations::later);
        for (Listener l : LISTENERS) {
            tell(() -> l.userDeleted(userId));
        }
    }

    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A revocation listener failed", e);
        }
    }

    private static void ready() {
        if (!loaded) {
            try {
                start();
            } catch (RuntimeException e) {
                throw ProblemException.unavailable("Tokens cannot be checked right now.", 1);
            }
        }
        long now = System.currentTimeMillis();
        if (now >= nextPurge) {
            nextPurge = now + PURGE_EVERY_MILLIS;
            Instant cutoff = Instant.now();
            REVOKED.values().removeIf(expiry -> expiry.isBefore(cutoff));
            DELETED.values().removeIf(expiry -> expiry.isBefore(cutoff));
        }
    }

    private static void loadQuietly() {
        try {
            load();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot load revoked tokens; will retry", e);
        }
    }

    /** Deletes what has expired, then adds every current row to the sets (entries only ever leave by expiry). */
    private static synchronized void load() {
        try (Connection c = Database.dataSource().getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement purgeTokens = c.prepareStatement("DELETE FROM revoked_tokens WHERE expires_at < now()");
                    PreparedStatement purgeUsers = c.prepareStatement("DELETE FROM deleted_users WHERE expires_at < now()")) {
                purgeTokens.executeUpdate();
                purgeUsers.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT jti, extract(epoch FROM expires_at)::bigint FROM revoked_tokens");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    REVOKED.merge(rs.getString(1), Instant.ofEpochSecond(rs.getLong(2)), Revocations::later);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, extract(epoch FROM expires_at)::bigint FROM deleted_users");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    DELETED.merge(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)), Revocations::later);
                }
            }
            loaded = true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load revoked tokens: " + e.getMessage(), e);
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
