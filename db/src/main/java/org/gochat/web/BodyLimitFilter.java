package org.gochat.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

/**
 * Refuses request bodies over 64 KiB with 413, before anything reads them. A WAR registers it with
 * a one-line {@code @Provider} subclass (providers in a shared library are not discovered by themselves).
 */
public class BodyLimitFilter implements ContainerRequestFilter {

    public static final int MAX_BYTES = 64 * 1024;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        int declared = request.getLength();
        if (declared > MAX_BYTES) {
            throw tooLarge();
        }
        if (declared < 0 && request.hasEntity()) {
            // No Content-Length (chunked): read at most one byte past the limit.
            byte[] body = request.getEntityStream().readNBytes(MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                throw tooLarge();
            }
            request.setEntityStream(new ByteArrayInputStream(body));
        }
    }

    private static ProblemException tooLarge() {
        return ProblemException.tooLarge("The request body is larger than " + MAX_BYTES / 1024 + " KiB.");
    }
}
