package org.gochat.chat.boundary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.gochat.chat.control.MessageStore;
import org.gochat.chat.control.Rooms;
import org.gochat.chat.control.UserLimits;
import org.gochat.chat.entity.ChatMessage;
import org.gochat.chat.entity.Client;
import org.gochat.chat.entity.Room;
import org.gochat.chat.entity.RoomSummary;
import org.gochat.web.Caller;
import org.gochat.web.Params;
import org.gochat.web.Problem;
import org.gochat.web.ProblemException;

/** The rooms routes under {@code /chat/ws}: create and list rooms, who is in them, their history. */
@Path("ws")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ROLE)
public class RoomsResource {

    /** Room ids: 1–64 of {@code [A-Za-z0-9_-]}. */
    public static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_NAME = 100;
    /** getRooms pages: at most (and by default) this many rooms. */
    private static final int MAX_ROOMS_PAGE = 500;

    @Inject
    Rooms rooms;

    @Inject
    MessageStore messages;

    @Inject
    UserLimits limits;

    @Context
    SecurityContext security;

    /** The body of createRoom: {@code {"id"?, "name"}}. */
    public record NewRoom(String id, String name) {
    }

    /** The response of createRoom. */
    public record CreatedRoom(String id, String name, Long createdBy, Instant createdAt) {
    }

    @POST
    @Path("createRoom")
    public Response createRoom(JsonObject body) {
        Caller caller = Caller.of(security);
        NewRoom wanted = newRoom(body);
        limits.createRoom(caller.id()).ifPresent(seconds -> {
            throw ProblemException.tooManyRequests("You have created as many rooms as one user may for now.", seconds);
        });
        Room room = rooms.create(wanted.id(), wanted.name(), caller.id())
                .orElseThrow(() -> ProblemException.conflict("A room with id " + wanted.id() + " exists already."));
        return Response.status(Response.Status.CREATED)
                .entity(new CreatedRoom(room.getId(), room.getName(), room.getCreatedBy(), room.getCreatedAt()))
                .build();
    }

    @GET
    @Path("getRooms")
    public List<RoomSummary> getRooms(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int max = Params.limit(limit, MAX_ROOMS_PAGE, MAX_ROOMS_PAGE);
        if (after != null && !ROOM_ID.matcher(after).matches()) {
            throw ProblemException.invalid("after", "must be a room id: 1 to 64 of A-Z, a-z, 0-9, _ and -");
        }
        return rooms.list(after, max);
    }

    @GET
    @Path("getClients/{roomId}")
    public List<Client> getClients(@PathParam("roomId") String roomId) {
        requireRoom(roomId);
        return rooms.clients(roomId);
    }

    @GET
    @Path("rooms/{roomId}/messages")
    public List<ChatMessage> history(@PathParam("roomId") String roomId, @QueryParam("before") String before,
            @QueryParam("limit") String limit) {
        long beforeSeq = Params.longIn("before", before, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        int max = Params.limit(limit, 50, 100);
        requireRoom(roomId);
        return messages.before(roomId, beforeSeq, max);
    }

    private void requireRoom(String roomId) {
        if (rooms.find(roomId).isEmpty()) {
            throw ProblemException.notFound("No room " + roomId + ".");
        }
    }

    /** Checks the body strictly: {@code name} a string of 1–100, {@code id} absent or a valid id. */
    private static NewRoom newRoom(JsonObject json) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String id = optionalString(json, "id", errors);
        if (id != null && !ROOM_ID.matcher(id).matches()) {
            errors.add(new Problem.FieldError("id", "must be 1 to 64 of A-Z, a-z, 0-9, _ and -"));
        }
        String name = optionalString(json, "name", errors);
        name = name == null ? null : name.strip();
        if (name == null || name.isEmpty()) {
            if (errors.stream().noneMatch(e -> e.field().equals("name"))) {
                errors.add(new Problem.FieldError("name", "is required"));
            }
        } else if (name.codePointCount(0, name.length()) > MAX_NAME) {
            errors.add(new Problem.FieldError("name", "must have at most " + MAX_NAME + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new NewRoom(id, name);
    }

    private static String optionalString(JsonObject json, String field, List<Problem.FieldError> errors) {
        JsonValue value = json.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        errors.add(new Problem.FieldError(field, "must be a string"));
        return null;
    }
}
