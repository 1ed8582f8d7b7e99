package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;

import org.gochat.testkit.Http;
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
    void readinessChecksTheDatabaseAndTheNotificationBus() {
        Http.Response ready = Http.get(GochatSystem.server().uri("/health/ready"));
        assertEquals(200, ready.status());
        Map<String, String> checks = ready.json().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(c -> c.getString("name"), c -> c.getString("status")));
        assertEquals("UP", checks.get("database"), checks.toString());
        assertEquals("UP", checks.get("notification-bus"), checks.toString());
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
