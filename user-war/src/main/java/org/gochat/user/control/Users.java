package org.gochat.user.control;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.gochat.user.entity.UserProfile;

/** Reads user profiles. */
@ApplicationScoped
public class Users {

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    public Optional<UserProfile> find(long id) {
        return Optional.ofNullable(em.find(UserProfile.class, id));
    }
}
