package org.gochat.user.boundary;

import java.util.List;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
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

import org.gochat.db.Deadlocks;
import org.gochat.user.control.Users;
import org.gochat.user.entity.UserProfile;
import org.gochat.user.entity.UserRef;
import org.gochat.web.Caller;
import org.gochat.web.Params;
import org.gochat.web.ProblemException;

/** Profiles and the follow graph: {@code /user/me}, {@code /user/{id}}, followers, following, follow, unfollow, delete. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ROLE)
public class UsersResource {

    /**
     * Ids in paths: a whole number, so other words (me, feed, follow) are other routes. One out of
     * range is not found (404), decided after the caller is verified.
     */
    static final String ID = "{id: [-+]?\\d+}";

    /** Usernames as registration allows them. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");

    public record Me(long id, String username, String email, long followers, long following) {
    }

    public record Profile(long id, String username, long followers, long following) {
    }

    public record Edge(long followerId, long followingId) {
    }

    @Inject
    Users users;

    @Context
    SecurityContext security;

    @GET
    @Path("me")
    public Me me() {
        Caller caller = Caller.of(security);
        // A valid token whose account is gone is no valid caller.
        UserProfile p = users.find(caller.id())
                .orElseThrow(() -> ProblemException.unauthorized("The account no longer exists."));
        return new Me(p.getId(), p.getUsername(), p.getEmail(), p.getFollowers(), p.getFollowing());
    }

    @GET
    @Path(ID)
    public Profile profile(@PathParam("id") long id) {
        UserProfile p = users.find(id).orElseThrow(() -> ProblemException.notFound("No user " + id + "."));
        return new Profile(p.getId(), p.getUsername(), p.getFollowers(), p.getFollowing());
    }

    /**
     * A user found by username (ignoring case), so that a client can name people by what users see:
     * 404 for a name nobody has, 400 for one no account could have.
     */
    @GET
    @Path("lookup")
    public Profile lookup(@QueryParam("username") String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw ProblemException.invalid("username", "must be a username: 3 to 32 of A-Z, a-z, 0-9, _ . and -");
        }
        UserProfile p = users.findByUsername(username)
                .orElseThrow(() -> ProblemException.notFound("No user is called " + username + "."));
        return new Profile(p.getId(), p.getUsername(), p.getFollowers(), p.getFollowing());
    }

    @GET
    @Path(ID + "/followers")
    public List<UserRef> followers(@PathParam("id") long id, @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        return users.followers(id, Params.key("after", after, 0), Params.limit(limit, 50, 100));
    }

    @GET
    @Path(ID + "/following")
    public List<UserRef> following(@PathParam("id") long id, @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        return users.following(id, Params.key("after", after, 0), Params.limit(limit, 50, 100));
    }

    @POST
    @Path("follow")
    public Edge follow(@QueryParam("toFollowId") String toFollowId) {
        Caller caller = Caller.of(security);
        long other = other(caller, "toFollowId", toFollowId);
        Deadlocks.retry(() -> users.follow(caller.id(), other));
        return new Edge(caller.id(), other);
    }

    @POST
    @Path("unfollow")
    public Edge unfollow(@QueryParam("toUnfollowId") String toUnfollowId) {
        Caller caller = Caller.of(security);
        long other = other(caller, "toUnfollowId", toUnfollowId);
        Deadlocks.retry(() -> users.unfollow(caller.id(), other));
        return new Edge(caller.id(), other);
    }

    @DELETE
    @Path("delete")
    public Response delete() {
        long id = Caller.of(security).id();
        Deadlocks.retry(() -> users.delete(id));
        return Response.noContent().build();
    }

    private static long other(Caller caller, String name, String raw) {
        long id = Params.required(name, raw);
        if (id == caller.id()) {
            throw ProblemException.invalid(name, "must not be the caller's own id");
        }
        return id;
    }
}
