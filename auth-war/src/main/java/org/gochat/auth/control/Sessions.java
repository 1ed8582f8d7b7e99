package org.gochat.auth.control;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.gochat.auth.entity.Account;
import org.gochat.web.Caller;
import org.gochat.web.ProblemException;
import org.gochat.web.Revocations;
import org.gochat.web.Tokens;

/** Registration, login and logout: accounts in, tokens out. */
@ApplicationScoped
public class Sessions {

    /** An account with its fresh token. */
    public record Session(Account account, Tokens.Issued token) {
    }

    private static final Logger LOG = Logger.getLogger(Sessions.class.getName());

    @Inject
    Accounts accounts;

    @Inject
    Passwords passwords;

    @Inject
    LoginLimits limits;

    @Inject
    ClientHashes clientHashes;

    @Inject
    AuthMetrics metrics;

    @Resource
    ManagedExecutorService executor;

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    /**
     * Hashes on the hashing pool, then stores the account: no connection waits on the hash. 429 when
     * the client address has its hashes in progress already.
     */
    public CompletionStage<Session> register(String username, String email, String password, String client) {
        return clientHashes.limit(client, rank -> passwords.hash(password, rank)).thenApply(hash -> {
            Account account = accounts.create(username, email, hash);
            return new Session(account, Tokens.issue(account.getId(), account.getUsername()));
        });
    }

    /**
     * The same 401, after about the same time, for an unknown email and a wrong password; 429 when
     * the account has failed too often from this client address, the address too often for any
     * account, or the address has its hashes in progress already (see {@link LoginLimits},
     * {@link ClientHashes}). A hash made with weaker parameters than configured is replaced on the way.
     */
    public CompletionStage<Session> login(String email, String password, String client) {
        Account account = accounts.byEmail(email).orElse(null);
        // Limits count per account as the database tells accounts apart; an unknown email by the
        // database's folding of it, so each of its spellings counts for the one email.
        String accountKey = account != null ? "id " + account.getId() : "email " + accounts.fold(email);
        LoginLimits.Attempt attempt = limits.begin(accountKey, client);
        String stored = account == null ? null : account.getPasswordHash();
        CompletionStage<Passwords.Check> checked;
        try {
            checked = after(attempt.delayNanos())
                    .thenCompose(ignored -> clientHashes.limit(client, rank -> passwords.check(password, stored, rank)));
        } catch (RuntimeException e) {
            attempt.abandoned();
            throw e;
        }
        return checked.handle((check, failure) -> {
            if (failure != null) {
                attempt.abandoned();
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            if (!check.matches()) {
                attempt.failed();
                metrics.loginFailed();
                throw ProblemException.unauthorized("The email or the password is wrong.");
            }
            attempt.succeeded();
            if (check.upgradedHash() != null) {
                accounts.upgradeHash(account.getId(), account.getPasswordHash(), check.upgradedHash());
                LOG.fine(() -> "Upgraded the password hash of account " + account.getId());
            }
            return new Session(account, Tokens.issue(account.getId(), account.getUsername()));
        });
    }

    /** Revokes the caller's token on every server. */
    @Transactional(dontRollbackOn = ProblemException.class)
    public void logout(Caller caller) {
        Revocations.revoke(em, caller.tokenId(), caller.expiresAt());
    }

    /** Completes after the delay, without holding a thread while it waits. */
    private CompletionStage<Void> after(long delayNanos) {
        return delayNanos == 0 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS, executor));
    }
}
