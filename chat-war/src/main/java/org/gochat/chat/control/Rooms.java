package org.gochat.chat.control;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.gochat.chat.entity.Client;
import org.gochat.chat.entity.Room;
import org.gochat.chat.entity.RoomSummary;
import org.gochat.web.ProblemException;

/** Creates, finds and lists chat rooms, and who is connected to them. */
@ApplicationScoped
public class Rooms {

    /** Presence rows count while their node's heartbeat is younger than this. */
    private static final String LIVE = "p.heartbeat_at > now() - make_interval(secs => " + Presence.EXPIRY_SECONDS + ")";

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    /** Creates a public room, with a generated id when {@code id} is null; empty when the id is taken (never replaced). */
    @Transactional(dontRollbackOn = ProblemException.class)
    public Optional<Room> create(String id, String name, Long createdBy) {
        return create(id, name, Memberships.PUBLIC, createdBy, null);
    }

    /**
     * Creates a room ({@code visibility} public or private), with a generated id when {@code id} is
     * null, its creator (when the account exists) its owner; empty when the id is taken (never replaced).
     */
    @Transactional(dontRollbackOn = ProblemException.class)
    public Optional<Room> create(String id, String name, String visibility, Long createdBy, String creatorName) {
        String roomId = id != null ? id : UUID.randomUUID().toString();
        int inserted = em.createNativeQuery("""
                INSERT INTO rooms (id, name, created_by, created_at, visibility)
                VALUES (?1, ?2, (SELECT id FROM users WHERE id = CAST(?3 AS bigint)), now(), ?4)
                ON CONFLICT (id) DO NOTHING""")
                .setParameter(1, roomId)
                .setParameter(2, name)
                .setParameter(3, createdBy)
                .setParameter(4, visibility)
                .executeUpdate();
        if (inserted == 0) {
            return Optional.empty();
        }
        int owners = em.createNativeQuery("""
                INSERT INTO room_members (room_id, user_id, role) SELECT ?1, id, 'owner' FROM users WHERE id = CAST(?2 AS bigint)""")
                .setParameter(1, roomId)
                .setParameter(2, createdBy)
                .executeUpdate();
        if (owners > 0) {
            em.createNativeQuery("SELECT pg_notify(?1, ?2)")
                    .setParameter(1, MemberNotice.CHANNEL)
                    .setParameter(2, Memberships.ownerAddedPayload(roomId, createdBy, creatorName))
                    .getSingleResult();
        }
        return Optional.of(em.find(Room.class, roomId));
    }

    public Optional<Room> find(String id) {
        return Optional.ofNullable(em.find(Room.class, id));
    }

    /**
     * Up to {@code limit} rooms that exist for the user (public ones, and those they are a member of)
     * with ids after {@code after} (from the first when null), by id, each with the number of
     * distinct users connected to it now, on any live node.
     */
    public List<RoomSummary> list(long userId, String after, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT r.id, r.name, r.visibility,
                       (SELECT count(DISTINCT p.user_id) FROM presence p WHERE p.room_id = r.id AND %s)
                  FROM rooms r
                 WHERE r.id > ?1
                   AND (r.visibility = 'public'
                        OR EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = r.id AND m.user_id = ?3))
                 ORDER BY r.id LIMIT ?2""".formatted(LIVE))
                .setParameter(1, after == null ? "" : after) // every id sorts after the empty string
                .setParameter(2, limit)
                .setParameter(3, userId)
                .getResultList();
        return rows.stream()
                .map(r -> new RoomSummary((String) r[0], (String) r[1], (String) r[2], ((Number) r[3]).longValue()))
                .toList();
    }

    /** The users connected to the room now, on any live node, each once, by id. */
    public List<Client> clients(String roomId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT DISTINCT p.user_id, p.username FROM presence p WHERE p.room_id = ?1 AND %s
                 ORDER BY p.user_id""".formatted(LIVE))
                .setParameter(1, roomId)
                .getResultList();
        return rows.stream().map(r -> new Client(((Number) r[0]).longValue(), (String) r[1])).toList();
    }
}
