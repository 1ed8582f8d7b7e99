package org.gochat.chat.boundary;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.gochat.chat.control.Frames;
import org.gochat.chat.control.MessageStore;
import org.gochat.chat.control.Rooms;
import org.gochat.chat.control.Search;
import org.gochat.chat.control.UserLimits;
import org.gochat.chat.entity.ChatMessage;
import org.gochat.chat.entity.Client;
import org.gochat.chat.entity.Room;
import org.gochat.chat.entity.RoomSummary;
import org.gochat.web.Caller;
import org.gochat.web.Params;
import org.gochat.web.Problem;
import org.gochat.web.ProblemException;
import org.gochat.web.Text;

/**
 * The rooms routes under {@code /chat/ws}: create and list rooms, who is in them, their history,
 * editing and deleting messages, searching them.
 */
@Path("ws")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ROLE)
public class RoomsResource {

    /** Room ids: 1–64 of {@code [A-Za-z0-9_-]}. */
    public static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_NAME = 100;
    /** getRooms pages: at most (and by default) this many rooms. */
    private static final int MAX_ROOMS_PAGE = 500;
    /** Search queries: at most this many characters. */
    private static final int MAX_QUERY = 200;

    @Inject
    Rooms rooms;

    @Inject
    MessageStore messages;

    @Inject
    UserLimits limits;

    @Inject
    Search search;

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

    @PATCH
    @Path("rooms/{roomId}/messages/{seq}")
    public ChatMessage edit(@PathParam("roomId") String roomId, @PathParam("seq") String seq, JsonObject body) {
        long target = seq(seq);
        String content = content(body);
        requireRoom(roomId);
        return messages.edit(roomId, target, Caller.of(security), content);
    }

    @DELETE
    @Path("rooms/{roomId}/messages/{seq}")
    public Response delete(@PathParam("roomId") String roomId, @PathParam("seq") String seq) {
        long target = seq(seq);
        requireRoom(roomId);
        messages.delete(roomId, target, Caller.of(security));
        return Response.noContent().build();
    }

    @GET
    @Path("rooms/{roomId}/search")
    public List<ChatMessage> searchRoom(@PathParam("roomId") String roomId, @QueryParam("q") String q,
            @QueryParam("before") String before, @QueryParam("limit") String limit) {
        String query = query(q);
        long beforeSeq = Params.longIn("before", before, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        int max = Params.limit(limit, 20, 100);
        requireRoom(roomId); // the visibility of history
        return search.inRoom(roomId, query, beforeSeq, max);
    }

    @GET
    @Path("search")
    public List<ChatMessage> searchRooms(@QueryParam("q") String q, @QueryParam("before") String before,
            @QueryParam("beforeRoom") String beforeRoom, @QueryParam("beforeSeq") String beforeSeq,
            @QueryParam("limit") String limit) {
        String query = query(q);
        Search.Before from = before(before, beforeRoom, beforeSeq);
        int max = Params.limit(limit, 20, 100);
        return search.acrossRooms(Caller.of(security).id(), query, from, max);
    }

    /**
     * A page across rooms starts before {@code before} (a sentAt), or, given the last message of the
     * previous page in full ({@code before}, {@code beforeRoom}, {@code beforeSeq}), right after it,
     * so that messages sent in the same millisecond are neither repeated nor skipped.
     */
    private static Search.Before before(String before, String beforeRoom, String beforeSeq) {
        Instant time = instant("before", before);
        if (beforeRoom == null && beforeSeq == null) {
            return new Search.Before(time, null, null);
        }
        if (before == null || beforeRoom == null || beforeSeq == null) {
            throw ProblemException.invalid("beforeRoom", "goes with before and beforeSeq: the three or none of them");
        }
        if (!ROOM_ID.matcher(beforeRoom).matches()) {
            throw ProblemException.invalid("beforeRoom", "must be a room id: 1 to 64 of A-Z, a-z, 0-9, _ and -");
        }
        return new Search.Before(time, beforeRoom, Params.longIn("beforeSeq", beforeSeq, 1, Long.MAX_VALUE, null));
    }

    /** A search's {@code q}: 1–200 characters after trimming, no control characters but tab and newline. */
    private static String query(String q) {
        String query = q == null ? "" : q.strip();
        if (query.isEmpty() || query.codePointCount(0, query.length()) > MAX_QUERY) {
            throw ProblemException.invalid("q", "must be 1 to " + MAX_QUERY + " characters");
        }
        if (Text.hasForbiddenControl(query)) {
            throw ProblemException.invalid("q", Text.FORBIDDEN_CONTROL_MESSAGE);
        }
        return query;
    }

    /** A time parameter: an ISO-8601 instant such as a message's {@code sentAt}; the far future when absent. */
    private static Instant instant(String name, String value) {
        if (value == null) {
            return Instant.parse("9999-12-31T23:59:59Z");
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(name, "must be a time such as 2026-11-28T20:00:00.123Z");
        }
    }

    /** A message's seq in a path: a whole number (400 otherwise); one no message has is a 404 later. */
    private static long seq(String value) {
        return Params.longIn("seq", value, Long.MIN_VALUE, Long.MAX_VALUE, null);
    }

    /** An edit's {@code content}: a string, by the rules of a new message (trimmed, 1–4096, no control characters). */
    private static String content(JsonObject body) {
        if (!(body.get("content") instanceof JsonString s)) {
            throw ProblemException.invalid("content", "is required and must be a string");
        }
        try {
            return Frames.content(s.getString());
        } catch (Frames.Refused e) {
            throw ProblemException.invalid("content", e.getMessage());
        }
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
