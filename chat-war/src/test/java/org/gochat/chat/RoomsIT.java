package org.gochat.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import jakarta.inject.Inject;

import org.gochat.chat.control.Rooms;
import org.gochat.chat.entity.Room;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside Liberty: the real Rooms bean against the real (embedded) PostgreSQL. */
@ExtendWith(ArquillianExtension.class)
class RoomsIT {

    @Deployment
    static WebArchive deployment() {
        return ChatArchive.create();
    }

    @Inject
    Rooms rooms;

    @Test
    void storesARoomWithItsSequenceAtZero() {
        String id = "r-" + UUID.randomUUID();
        rooms.create(id, "Lobby", null);
        assertTrue(rooms.create(id, "Other", null).isEmpty(), "an existing room is never replaced");

        Room found = rooms.find(id).orElseThrow();
        assertEquals("Lobby", found.getName());
        assertNull(found.getCreatedBy());
        assertNotNull(found.getCreatedAt());
        assertEquals(0, found.getLastSeq());
        assertTrue(rooms.find("no-such-room").isEmpty());
    }
}
