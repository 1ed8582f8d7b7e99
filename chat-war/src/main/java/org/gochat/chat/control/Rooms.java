package org.gochat.chat.control;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.gochat.chat.entity.Room;

/** Creates and finds chat rooms. */
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
}
