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

    /** Creates a room, with a generated id when {@code id} is null; empty when the id is taken (never replaced). */
    @Transactional(dontRollbackOn = ProblemException.class)
    public Optional<Room> create(String id, String name, Long createdBy) {
        String roomId = id != null ? id : UUID.randomUUID().toString();
        int inserted = em.createNativeQuery("""
                INSERT INTO rooms (id, name, created_by, created_at)
                VALUES (?1, ?2, (SELECT id FROM users WHERE id = CAST(?3 AS bigint)), now())
                ON CONFLICT (id) DO NOTHING""")
                .setParameter(1, roomId)
                .setParameter(2, name)
                .setParameter(3, createdBy)
                .executeUpdate();
        return inserted == 0 ? Optional.empty() : Optional.of(em.find(Room.class, roomId));
    }

    public Optional<Room> find(String id) {
        return Optional.ofNullable(em.find(Room.class, id));
    }

    /**
     * Up to {@code limit} rooms with ids after {@code after} (from the first when null), by id, each
     * with the number of distinct users connected to it now, on any live node.
     */
    public List<RoomSummary> list(String after, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT r.id, r.name,
                       (SELECT count(DISTINCT p.user_id) FROM presence p WHERE p.room_id = r.id AND %s)
                  FROM rooms r WHERE r.id > ?1 ORDER BY r.id LIMIT ?2""".formatted(LIVE))
                .setParameter(1, after == null ? "" : after) // every id sorts after the empty string
                .setParameter(2, limit)
                .getResultList();
        return rows.stream()
                .map(r -> new RoomSummary((String) r[0], (String) r[1], ((Number) r[2]).longValue()))
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
