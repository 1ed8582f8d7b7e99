package org.gochat.chat.boundary;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.gochat.chat.control.Rooms;
import org.gochat.chat.entity.RoomSummary;
import org.gochat.web.Authentication;

/** The rooms routes under {@code /chat/ws}. */
@Path("ws")
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    @Inject
    Rooms rooms;

    @Context
    HttpServletRequest request;

    @GET
    @Path("getRooms")
    public List<RoomSummary> getRooms() {
        Authentication.require(request);
        return rooms.list();
    }
}
