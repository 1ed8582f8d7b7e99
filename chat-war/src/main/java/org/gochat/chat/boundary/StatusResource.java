package org.gochat.chat.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.gochat.web.ServiceStatus;

@Path("/")
@PermitAll
public class StatusResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ServiceStatus status() {
        return ServiceStatus.up("chat");
    }
}
