package org.gochat.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Arrays;

import jakarta.json.JsonObject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/**
 * The request body before anything reads it: a route that takes a JSON body ({@link JsonBodyReader})
 * accepts only {@code application/json} (415 otherwise, also without Content-Type), and bodies
 * over {@link RequestLimits#MAX_BODY_BYTES} (64 KiB) are refused with 413 and counted. It runs after {@link AuthenticationFilter} (at the default
 * priority, USER), so an unauthenticated request gets its 401 first; that is why the JSON routes
 * do not say {@code @Consumes}: the runtime would answer 415 while it matches the route, before
 * any filter. A WAR registers it with a one-line {@code @Provider} subclass (providers in a shared
 * library are not discovered by themselves).
 */
public class BodyLimitFilter implements ContainerRequestFilter {

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        Method method = resource.getResourceMethod();
        if (method != null && takesJson(method) && !isJson(request.getMediaType())) {
            throw ProblemException.unsupportedMediaType();
        }
        int declared = request.getLength();
        if (declared > RequestLimits.MAX_BODY_BYTES) {
            throw tooLarge();
        }
        if (declared < 0 && request.hasEntity()) {
            // No Content-Length (chunked): read at most one byte past the limit.
            byte[] body = request.getEntityStream().readNBytes(RequestLimits.MAX_BODY_BYTES + 1);
            if (body.length > RequestLimits.MAX_BODY_BYTES) {
                throw tooLarge();
            }
            request.setEntityStream(new ByteArrayInputStream(body));
        }
    }

    private static boolean takesJson(Method method) {
        return Arrays.stream(method.getParameterTypes()).anyMatch(type -> type == JsonObject.class);
    }

    private static boolean isJson(MediaType type) {
        return type != null && type.getType().equalsIgnoreCase("application") && type.getSubtype().equalsIgnoreCase("json");
    }

    private static ProblemException tooLarge() {
        LibraryMetrics.refused(RequestLimits.BODY_SIZE);
        return ProblemException.tooLarge("The request body is larger than " + RequestLimits.MAX_BODY_BYTES + " bytes.");
    }
}
