package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The rooms routes of chat-war over HTTP. */
@ExtendWith(GochatSystem.class)
class ChatRoomsIT {

    @Test
    void getRoomsWithoutATokenIs401() {
        Http.Response response = Http.get(GochatSystem.server().uri("/chat/ws/getRooms"));

        assertEquals(401, response.status());
        assertEquals("Bearer", response.header("WWW-Authenticate"));
        assertEquals("application/problem+json", response.header("Content-Type"));
        assertEquals(401, response.json().getInt("status"));
    }
}
