package org.gochat.chat.control;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.gochat.chat.entity.Room;
import org.gochat.chat.entity.RoomSummary;

/** Creates, finds and lists chat rooms. */
@ApplicationScoped
public class Rooms {

    @PersistenceContext(unitName = "gochat")
    EntityManager em;

    @Transactional
    public Room create(String id, String name, Long createdBy) {
        Room room = new Room(id, name, createdBy);
        em.persist(room);
        return room;
    }

    public Optional<Room> find(String id) {
        return Optional.ofNullable(em.find(Room.class, id));
    }

    /** Every room with the number of distinct users connected to it now, on any live node. */
    public List<RoomSummary> list() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT r.id, r.name,
                       (SELECT count(DISTINCT p.user_id) FROM presence p
                         WHERE p.room_id = r.id AND p.heartbeat_at > now() - interval '30 seconds')
                  FROM rooms r ORDER BY r.created_at, r.id""").getResultList();
        return rows.stream()
                .map(r -> new RoomSummary((String) r[0], (String) r[1], ((Number) r[2]).longValue()))
                .toList();
    }
}
