package org.gochat.web;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;

import jakarta.annotation.Priority;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Who may call a route is declared on it: {@code @PermitAll} (anyone) or
 * {@code @RolesAllowed(Caller.ROLE)} (a verified caller). For every other route this filter asks
 * {@link Authentication} (the same check as the WebSocket handshake), answers 401 (or its 403/503)
 * when that fails, and otherwise sets the {@link SecurityContext} whose principal is the
 * {@link Caller}, which the route reads with {@link Caller#of}. A route with neither annotation
 * is refused (403) even to a verified caller, so a forgotten annotation never makes a route public.
 * <p>
 * It runs after the route is matched and before anything else reads the request (its body,
 * parameters and their conversion): an unauthenticated request gets 401 before any validation
 * ({@link BodyLimitFilter} decides 415 and 413 after it). Why a filter and not Liberty alone:
 * Liberty's restfulWS with appSecurity checks {@code @RolesAllowed} itself (a filter at
 * AUTHORIZATION + 1), and it does honour the SecurityContext this filter sets, but for a request
 * without one it asks the container to authenticate, which answers a bare 401 with
 * {@code WWW-Authenticate: Basic}; and it lets methods without annotation through. So this filter
 * must run first and decides the 401 (problem+json, {@code Bearer}) and the roles itself. A WAR
 * registers it with a one-line {@code @Provider} subclass that repeats
 * {@code @Priority(Priorities.AUTHENTICATION)}: the annotation is not inherited, and at the
 * default priority Liberty's check would run first.
 */
@Priority(Priorities.AUTHENTICATION)
public class AuthenticationFilter implements ContainerRequestFilter {

    @Context
    ResourceInfo resource;

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        Method method = resource.getResourceMethod();
        if (method == null || isPermitAll(method)) {
            return; // nothing matched (the runtime answers 404/405) or open to everyone
        }
        Caller caller = Authentication.require(request);
        boolean secure = context.getSecurityContext().isSecure();
        context.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return caller;
            }

            @Override
            public boolean isUserInRole(String role) {
                return Caller.ROLE.equals(role);
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        });
        RolesAllowed roles = rolesAllowed(method);
        if (roles == null || Arrays.stream(roles.value()).noneMatch(Caller.ROLE::equals)) {
            throw ProblemException.forbidden("This route is not open to your account.");
        }
    }

    /** Whether the method, or else its class, is declared open to everyone. */
    static boolean isPermitAll(Method method) {
        if (method.isAnnotationPresent(PermitAll.class)) {
            return true;
        }
        return !method.isAnnotationPresent(RolesAllowed.class) && method.getDeclaringClass().isAnnotationPresent(PermitAll.class);
    }

    /** The roles of the method, or else of its class; null when neither says. */
    static RolesAllowed rolesAllowed(Method method) {
        RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
        return roles != null ? roles : method.getDeclaringClass().getAnnotation(RolesAllowed.class);
    }
}
