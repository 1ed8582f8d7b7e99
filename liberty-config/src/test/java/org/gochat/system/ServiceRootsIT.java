package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gochat.testkit.Http;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(GochatSystem.class)
class ServiceRootsIT {

    @ParameterizedTest
    @ValueSource(strings = {"auth", "user", "chat"})
    void eachServiceRootAnswersUp(String service) {
        Http.Response response = Http.get(GochatSystem.server().uri("/" + service + "/"));

        assertEquals(200, response.status());
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.header("Content-Type"));
        assertEquals(service, response.json().getString("service"));
        assertEquals("UP", response.json().getString("status"));
        assertEquals(2, response.json().size());
    }
}
