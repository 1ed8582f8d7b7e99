package org.gochat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;

/** What every error answer of every service must be (API.md): problem+json with its status, never a trace. */
public final class Problems {

    private Problems() {
    }

    /**
     * The status, the media type {@code application/problem+json}, a body with {@code type},
     * {@code title}, {@code status} (the same) and {@code detail}, and on a 401 the Bearer challenge.
     */
    public static void assertProblem(Http.Response r, int status) {
        assertEquals(status, r.status(), r.body());
        String type = r.header("Content-Type");
        assertTrue(type != null && type.split(";")[0].trim().equals("application/problem+json"), type);
        JsonObject json = r.json();
        assertEquals(status, json.getInt("status"), r.body());
        for (String text : new String[] {"type", "title", "detail"}) {
            assertTrue(json.get(text) instanceof JsonString, text + " in " + r.body());
        }
        if (status == 401) {
            assertEquals("Bearer", r.header("WWW-Authenticate"));
        }
    }
}
