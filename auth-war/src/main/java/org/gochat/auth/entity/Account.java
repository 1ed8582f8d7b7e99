package org.gochat.auth.entity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A user as the auth service sees one: credentials and identity. */
@Entity
@Table(name = "users")
@NamedQuery(name = Account.BY_EMAIL, query = "SELECT a FROM Account a WHERE LOWER(a.email) = LOWER(:email)")
@NamedQuery(name = Account.UPGRADE_HASH,
        query = "UPDATE Account a SET a.passwordHash = :newHash WHERE a.id = :id AND a.passwordHash = :oldHash")
public class Account {

    public static final String BY_EMAIL = "Account.byEmail";
    public static final String UPGRADE_HASH = "Account.upgradeHash";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 32)
    private String username;

    @Column(nullable = false, length = 254)
    private String email;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Column(name = "created_at", nullable = false, updatable = false)
    private OffsetDateTime createdAt; // EclipseLink 4 (JPA 3.1) maps OffsetDateTime, not Instant

    protected Account() {
    }

    public Account(String username, String email, String passwordHash) {
        this.username = username;
        this.email = email;
        this.passwordHash = passwordHash;
        this.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
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

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public Instant getCreatedAt() {
        return createdAt.toInstant();
    }
}
