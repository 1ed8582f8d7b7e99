package org.gochat.auth.control;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.gochat.auth.entity.Account;

/** Stores and finds accounts. */
@ApplicationScoped
public class Accounts {

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    @Transactional
    public Account create(String username, String email, String passwordHash) {
        Account account = new Account(username, email, passwordHash);
        em.persist(account);
        em.flush();
        return account;
    }

    public Optional<Account> byEmail(String email) {
        return em.createNamedQuery(Account.BY_EMAIL, Account.class)
                .setParameter("email", email)
                .getResultStream()
                .findFirst();
    }
}
