package org.gochat.user.boundary;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ext.Provider;

import org.gochat.web.AuthenticationFilter;

/** The user service's routes: who may call each is declared on it (@RolesAllowed or @PermitAll). */
@Provider
@Priority(Priorities.AUTHENTICATION) // not inherited: before Liberty's own @RolesAllowed check (AUTHORIZATION + 1)
public class Authenticated extends AuthenticationFilter {
}
