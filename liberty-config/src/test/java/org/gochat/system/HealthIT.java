package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(GochatSystem.class)
class HealthIT {

    @Test
    void livenessIsUp() {
        Http.Response live = Http.get(GochatSystem.server().uri("/health/live"));
        assertEquals(200, live.status());
        assertEquals("UP", live.json().getString("status"));
    }

    @Test
    void readinessFollowsTheDatabase() {
        LibertyServer server = GochatSystem.server();
        assertEquals(200, Http.get(server.uri("/health/ready")).status());

        GochatSystem.postgres().stop();
        try {
            Http.Response down = Http.get(server.uri("/health/ready"));
            assertEquals(503, down.status());
            assertEquals("DOWN", down.json().getString("status"));
        } finally {
            GochatSystem.postgres().start();
        }

        server.awaitReady(Duration.ofSeconds(30));
        Http.Response up = Http.get(server.uri("/health/ready"));
        assertEquals(200, up.status());
        assertEquals("UP", up.json().getString("status"));
    }
}
