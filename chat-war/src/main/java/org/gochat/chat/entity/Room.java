package org.gochat.chat.entity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A chat room; {@code lastSeq} is the sequence number of its newest stored message. */
@Entity
@Table(name = "rooms")
public class Room {

    @Id
    private String id;

    @Column(nullable = false, length = 100)
    private String name;

    @Column(name = "created_by")
    private Long createdBy;

    @Column(name = "created_at", nullable = false, updatable = false)
    private OffsetDateTime createdAt; // EclipseLink 4 (JPA 3.1) maps OffsetDateTime, not Instant

    @Column(name = "last_seq", nullable = false)
    private long lastSeq;

    @Column(nullable = false, length = 8)
    private String visibility = "public";

    protected Room() {
    }

    public Room(String id, String name, Long createdBy) {
        this.id = id;
        this.name = name;
        this.createdBy = createdBy;
        this.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public Long getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt.toInstant();
    }

    /** public, private or direct. */
    public String getVisibility() {
        return visibility;
    }

    public long getLastSeq() {
        return lastSeq;
    }
}
