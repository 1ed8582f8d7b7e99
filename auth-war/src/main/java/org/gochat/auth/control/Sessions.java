package org.gochat.auth.control;

import java.util.concurrent.CompletionStage;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.annotation.Metric;
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

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    @Inject
    @Metric(name = "gochat.logins.failed", absolute = true, description = "Logins refused for a wrong email or password")
    Counter failedLogins;

    /** Hashes on the hashing pool, then stores the account: no connection waits on the hash. */
    public CompletionStage<Session> register(String username, String email, String password) {
        return passwords.hash(password).thenApply(hash -> {
            Account account = accounts.create(username, email, hash);
            return new Session(account, Tokens.issue(account.getId(), account.getUsername()));
        });
    }

    /**
     * The same 401, after about the same time, for an unknown email and a wrong password;
     * 429 when the account or the client has failed too often. A hash made with weaker
     * parameters than configured is replaced on the way.
     */
    public CompletionStage<Session> login(String email, String password, String clientAddress) {
        limits.check(email, clientAddress);
        Account account = accounts.byEmail(email).orElse(null);
        return passwords.check(password, account == null ? null : account.getPasswordHash()).thenApply(check -> {
            if (!check.matches()) {
                limits.failed(email, clientAddress);
                failedLogins.inc();
                throw ProblemException.unauthorized("The email or the password is wrong.");
            }
            limits.succeeded(email);
            if (check.upgradedHash() != null) {
                accounts.upgradeHash(account.getId(), account.getPasswordHash(), check.upgradedHash());
                LOG.fine(() -> "Upgraded the password hash of account " + account.getId());
            }
            return new Session(account, Tokens.issue(account.getId(), account.getUsername()));
        });
    }

    /** Revokes the caller's token on every server. */
    @Transactional
    public void logout(Caller caller) {
        Revocations.revoke(em, caller.tokenId(), caller.expiresAt());
    }
}
