package org.gochat.chat.boundary;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.gochat.chat.control.Frames;
import org.gochat.chat.control.Memberships;
import org.gochat.chat.control.MessageStore;
import org.gochat.chat.control.Rooms;
import org.gochat.chat.control.Search;
import org.gochat.chat.control.UserLimits;
import org.gochat.chat.entity.ChatMessage;
import org.gochat.chat.entity.Client;
import org.gochat.chat.entity.InboxEntry;
import org.gochat.chat.entity.Room;
import org.gochat.chat.entity.RoomMember;
import org.gochat.chat.entity.RoomSummary;
import org.gochat.chat.entity.RoomView;
import org.gochat.web.Caller;
import org.gochat.web.JsonBodyReader;
import org.gochat.web.Params;
import org.gochat.web.Problem;
import org.gochat.web.ProblemException;
import org.gochat.web.Text;

/**
 * The rooms routes under {@code /chat/ws}: create, list and delete rooms, who is in them, their
 * history, editing, deleting and searching messages, their members, direct rooms, read markers and
 * the inbox. Who may see and do what is {@link Memberships}' to decide, in the transaction of the action.
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
    private static final Type INBOX = new ArrayList<InboxEntry>() {
        private static final long serialVersionUID = 1L;
    }.getClass().getGenericSuperclass();
    /** Inbox pages: at most this many rooms. */
    private static final int MAX_INBOX_PAGE = 200;

    @Inject
    Rooms rooms;

    @Inject
    UserLimits limits;

    @Inject
    Search search;

    @Context
    SecurityContext security;

    @Inject
    Memberships memberships;

    @Inject
    MessageStore messages;

    /** The body of createRoom: {@code {"id"?, "name", "visibility"?}}. */
    public record NewRoom(String id, String name, String visibility) {
    }

    @POST
    @Path("createRoom")
    public Response createRoom(JsonObject body) {
        Caller caller = Caller.of(security);
        NewRoom wanted = newRoom(body);
        limits.createRoom(caller.id()).ifPresent(seconds -> {
            throw ProblemException.tooManyRequests("You have created as many rooms as one user may for now.", seconds);
        });
        Room room = rooms.create(wanted.id(), wanted.name(), wanted.visibility(), caller.id(), caller.username())
                .orElseThrow(() -> ProblemException.conflict("A room with id " + wanted.id() + " exists already."));
        return Response.status(Response.Status.CREATED)
                .entity(new RoomView(room.getId(), room.getName(), room.getVisibility(), room.getCreatedBy(), room.getCreatedAt()))
                .build();
    }

    @GET
    @Path("getRooms")
    public List<RoomSummary> getRooms(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int max = Params.limit(limit, MAX_ROOMS_PAGE, MAX_ROOMS_PAGE);
        if (after != null && !ROOM_ID.matcher(after).matches()) {
            throw ProblemException.invalid("after", "must be a room id: 1 to 64 of A-Z, a-z, 0-9, _ and -");
        }
        return rooms.list(Caller.of(security).id(), after, max);
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
        return memberships.history(roomId, Caller.of(security).id(), beforeSeq, max);
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

    @DELETE
    @Path("rooms/{roomId}")
    public Response deleteRoom(@PathParam("roomId") String roomId) {
        memberships.delete(roomId, Caller.of(security));
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

    /** 404 unless the room exists for the caller: public, or they are a member (a private room's 404 is an unknown one's). */
    private void requireRoom(String roomId) {
        if (!memberships.maySee(roomId, Caller.of(security).id())) {
            throw Memberships.notFound(roomId);
        }
    }

    @GET
    @Path("rooms/{roomId}/members")
    public List<RoomMember> members(@PathParam("roomId") String roomId, @QueryParam("after") String after,
            @QueryParam("limit") String limit) {
        long afterId = Params.key("after", after, 0);
        int max = Params.limit(limit, 50, 100);
        return memberships.members(roomId, Caller.of(security).id(), afterId, max);
    }

    @PUT
    @Path("rooms/{roomId}/members/{userId}")
    public Response putMember(@PathParam("roomId") String roomId, @PathParam("userId") String userId,
            @Context HttpHeaders headers, InputStream body) throws IOException {
        Caller caller = Caller.of(security);
        long user = Params.required("userId", userId);
        String role = role(optionalBody(headers, body));
        Memberships.Outcome<RoomMember> outcome = memberships.put(roomId, caller, user, role);
        return Response.status(outcome.created() ? Response.Status.CREATED : Response.Status.OK).entity(outcome.value()).build();
    }

    @DELETE
    @Path("rooms/{roomId}/members/{userId}")
    public Response removeMember(@PathParam("roomId") String roomId, @PathParam("userId") String userId,
            @QueryParam("ban") String ban) {
        Caller caller = Caller.of(security);
        long user = Params.required("userId", userId);
        boolean banned = ban != null && switch (ban) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.invalid("ban", "must be true or false");
        };
        memberships.remove(roomId, caller, user, banned);
        return Response.noContent().build();
    }

    @PUT
    @Path("rooms/{roomId}/read")
    public Response read(@PathParam("roomId") String roomId, JsonObject body) {
        Caller caller = Caller.of(security);
        JsonValue seq = body.get("seq");
        if (!(seq instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().signum() < 0
                || n.bigIntegerValue().bitLength() > 63) {
            throw ProblemException.invalid("seq", "must be a whole number of at least 0");
        }
        memberships.markRead(roomId, caller, n.longValueExact());
        return Response.noContent().build();
    }

    @GET
    @Path("inbox")
    public Response inbox(@QueryParam("limit") String limit) {
        int max = Params.limit(limit, 50, MAX_INBOX_PAGE);
        // Written with its element type given: the runtime's provider would lose it, and with it
        // InboxEntry's own serializer ("lastMessage": null rather than left out).
        return Response.ok(Frames.encode(memberships.inbox(Caller.of(security).id(), max), INBOX), MediaType.APPLICATION_JSON)
                .build();
    }

    @POST
    @Path("direct/{userId}")
    public Response direct(@PathParam("userId") String userId) {
        Caller caller = Caller.of(security);
        long user = Params.required("userId", userId);
        if (user == caller.id()) {
            throw ProblemException.invalid("userId", "must be another user than the caller");
        }
        Memberships.Outcome<RoomView> outcome = memberships.direct(caller, user);
        return Response.status(outcome.created() ? Response.Status.CREATED : Response.Status.OK).entity(outcome.value()).build();
    }

    /** The body of PUT .../members/{userId}: none, or a JSON object (415 for another type). */
    private static JsonObject optionalBody(HttpHeaders headers, InputStream body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.readAllBytes();
        if (bytes.length == 0) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        MediaType type = headers.getMediaType();
        if (type == null || !type.getType().equalsIgnoreCase("application") || !type.getSubtype().equalsIgnoreCase("json")) {
            throw ProblemException.unsupportedMediaType();
        }
        return JsonBodyReader.read(new ByteArrayInputStream(bytes));
    }

    /** {@code role}: absent (member), member or moderator. */
    private static String role(JsonObject body) {
        JsonValue role = body.get("role");
        if (role == null || role == JsonValue.NULL) {
            return Memberships.MEMBER;
        }
        if (role instanceof JsonString r && (r.getString().equals(Memberships.MEMBER) || r.getString().equals(Memberships.MODERATOR))) {
            return r.getString();
        }
        throw ProblemException.invalid("role", "must be member or moderator (the owner is the room's creator)");
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
        String visibility = optionalString(json, "visibility", errors);
        if (visibility == null) {
            visibility = Memberships.PUBLIC;
        } else if (!visibility.equals(Memberships.PUBLIC) && !visibility.equals(Memberships.PRIVATE)) {
            errors.add(new Problem.FieldError("visibility", "must be public or private"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new NewRoom(id, name, visibility);
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
