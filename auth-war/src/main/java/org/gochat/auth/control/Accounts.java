package org.gochat.auth.control;

import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import org.gochat.auth.entity.Account;
import org.gochat.web.ProblemException;

/** Stores and finds accounts. */
@ApplicationScoped
public class Accounts {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String USERNAME_TAKEN = "The username is taken.";

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    /**
     * A new account; 409 when the username or the email is taken (ignoring case), even by a concurrent
     * insert, and when the username was a deleted account's.
     */
    @Transactional(dontRollbackOn = ProblemException.class)
    public Account create(String username, String email, String passwordHash) {
        Account account = new Account(username, email, passwordHash);
        try {
            em.persist(account);
            em.flush();
        } catch (PersistenceException e) {
            SQLException unique = uniqueViolation(e);
            if (unique == null) {
                throw e;
            }
            throw ProblemException.conflict(String.valueOf(unique.getMessage()).contains("users_username_key")
                    ? USERNAME_TAKEN : "The email is already registered.");
        }
        // After the insert, not before: a deletion of the name's account that is still running holds
        // the insert on the unique index until it commits, and it retires the name in that commit.
        if (isRetired(username)) {
            throw ProblemException.conflict(USERNAME_TAKEN);
        }
        return account;
    }

    /**
     * The email as the database folds it for {@code users_email_key} ({@code lower()}): one value for
     * every spelling of an email that the database takes for the same account. Java's own lower-casing
     * differs from it: Java turns the capital I with a dot (U+0130) into two characters, "i" and a
     * combining dot, PostgreSQL into "i".
     */
    public String fold(String email) {
        return (String) em.createNativeQuery("SELECT lower(CAST(?1 AS text))").setParameter(1, email).getSingleResult();
    }

    public Optional<Account> byEmail(String email) {
        return em.createNamedQuery(Account.BY_EMAIL, Account.class)
                .setParameter("email", email)
                .getResultStream()
                .findFirst();
    }

    /** Replaces a hash made with weaker parameters; a no-op when the account is gone or changed meanwhile. */
    @Transactional(dontRollbackOn = ProblemException.class)
    public void upgradeHash(long id, String oldHash, String newHash) {
        em.createNamedQuery(Account.UPGRADE_HASH)
                .setParameter("id", id)
                .setParameter("oldHash", oldHash)
                .setParameter("newHash", newHash)
                .executeUpdate();
    }

    /** Whether the username belonged to a deleted account (usernames are retired, never handed on). */
    private boolean isRetired(String username) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM retired_usernames WHERE username = lower(CAST(?1 AS text))")
                .setParameter(1, username).getSingleResult()).longValue() > 0;
    }

    private static SQLException uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return sql;
            }
        }
        return null;
    }
}
