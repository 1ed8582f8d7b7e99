package org.gochat.user.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A user as the user service sees one: identity and the follow counters. */
@Entity
@Table(name = "users")
public class UserProfile {

    @Id
    private Long id;

    @Column(nullable = false, length = 32, insertable = false, updatable = false)
    private String username;

    @Column(nullable = false, length = 254, insertable = false, updatable = false)
    private String email;

    @Column(name = "followers_count", nullable = false)
    private long followers;

    @Column(name = "following_count", nullable = false)
    private long following;

    protected UserProfile() {
    }

    public Long getId() {
        return id;
    }

    public String getUsername() {
        return username;
    }

    public String getEmail() {
        return email;
    }

    public long getFollowers() {
        return followers;
    }

    public long getFollowing() {
        return following;
    }
}
