package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import jakarta.annotation.Priority;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ext.Provider;

import org.gochat.web.AuthenticationFilter;
import org.junit.jupiter.api.Test;

/**
 * Every route of the three WARs says who may call it: its resource method, or else its class, is
 * {@code @PermitAll} or {@code @RolesAllowed}. The authentication filter refuses a route with
 * neither, so a route without them would be broken, never public; this finds it before a user
 * does. Each WAR also registers that filter, at its priority. Reads the WARs the build laid out
 * in the server (no server runs).
 */
class RouteDeclarationsIT {

    @Test
    void everyResourceMethodDeclaresWhoMayCallIt() throws Exception {
        Path apps = Path.of(System.getProperty("gochat.wlp.dir"), "usr", "servers", "gochat", "apps");
        List<String> undeclared = new ArrayList<>();
        for (String war : List.of("auth-war.war", "user-war.war", "chat-war.war")) {
            List<Method> routes = new ArrayList<>();
            List<Class<?>> filters = new ArrayList<>();
            scan(apps.resolve(war), routes, filters);
            assertTrue(routes.size() > 1, war + " has routes: " + routes);
            // Registered, and before Liberty's own @RolesAllowed check (see AuthenticationFilter).
            assertEquals(1, filters.size(), war + " registers the authentication filter once: " + filters);
            assertEquals(Priorities.AUTHENTICATION, filters.get(0).getAnnotation(Priority.class).value(), war);
            routes.stream().filter(m -> !declared(m)).map(m -> war + ": " + m).forEach(undeclared::add);
        }
        assertEquals(List.of(), undeclared, "routes with neither @PermitAll nor @RolesAllowed");
    }

    @Test
    void aRouteWithNeitherAnnotationIsFound() throws NoSuchMethodException {
        assertTrue(declared(Declared.class.getMethod("open")));
        assertTrue(declared(Declared.class.getMethod("closed")));
        assertTrue(declared(Closed.class.getMethod("inherited")));
        assertTrue(!declared(Undeclared.class.getMethod("forgotten")));
    }

    /**
     * The resource methods (those with an HTTP method annotation) of the WAR's classes, and its
     * providers that are the authentication filter.
     */
    private static void scan(Path war, List<Method> routes, List<Class<?>> filters) throws IOException, ClassNotFoundException {
        assertTrue(Files.isRegularFile(war), war + " (built by the package phase)");
        URL classes = new URL("jar:" + war.toUri() + "!/WEB-INF/classes/");
        try (ZipFile zip = new ZipFile(war.toFile());
                URLClassLoader loader = new URLClassLoader(new URL[] {classes}, RouteDeclarationsIT.class.getClassLoader())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String name = entry.getName();
                if (name.startsWith("WEB-INF/classes/") && name.endsWith(".class")) {
                    String className = name.substring("WEB-INF/classes/".length(), name.length() - ".class".length())
                            .replace('/', '.');
                    Class<?> type = Class.forName(className, false, loader);
                    Arrays.stream(type.getDeclaredMethods()).filter(RouteDeclarationsIT::isResourceMethod).forEach(routes::add);
                    if (AuthenticationFilter.class.isAssignableFrom(type) && type.isAnnotationPresent(Provider.class)) {
                        filters.add(type);
                    }
                }
            }
        }
    }

    private static boolean isResourceMethod(Method method) {
        for (Annotation a : method.getAnnotations()) {
            if (a.annotationType().isAnnotationPresent(HttpMethod.class)) {
                return true;
            }
        }
        return method.isAnnotationPresent(jakarta.ws.rs.Path.class); // a sub-resource locator
    }

    /** The rule of org.gochat.web.AuthenticationFilter: the method's annotation, or else its class's. */
    private static boolean declared(Method method) {
        Class<?> type = method.getDeclaringClass();
        return method.isAnnotationPresent(PermitAll.class) || method.isAnnotationPresent(RolesAllowed.class)
                || type.isAnnotationPresent(PermitAll.class) || type.isAnnotationPresent(RolesAllowed.class);
    }

    public static class Declared {
        @GET
        @PermitAll
        public void open() {
        }

        @GET
        @RolesAllowed("user")
        public void closed() {
        }
    }

    @RolesAllowed("user")
    public static class Closed {
        @GET
        public void inherited() {
        }
    }

    public static class Undeclared {
        @GET
        public void forgotten() {
        }
    }
}
