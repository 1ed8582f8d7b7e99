package org.gochat.user.boundary;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
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

import org.gochat.db.Deadlocks;
import org.gochat.user.control.Users;
import org.gochat.user.entity.UserProfile;
import org.gochat.user.entity.UserRef;
import org.gochat.web.Authentication;
import org.gochat.web.Caller;
import org.gochat.web.ProblemException;

/** Profiles and the follow graph: {@code /user/me}, {@code /user/{id}}, followers, following, follow, unfollow, delete. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    /** Ids in paths: up to 18 digits, so anything else is simply not found. */
    static final String ID = "{id: \\d{1,18}}";

    public record Me(long id, String username, String email, long followers, long following) {
    }

    public record Profile(long id, String username, long followers, long following) {
    }

    public record Edge(long followerId, long followingId) {
    }

    @Inject
    Users users;

    @Context
    HttpServletRequest request;

    @GET
    @Path("me")
    public Me me() {
        Caller caller = Authentication.require(request);
        // A valid token whose account is gone is no valid caller.
        UserProfile p = users.find(caller.id())
                .orElseThrow(() -> ProblemException.unauthorized("The account no longer exists."));
        return new Me(p.getId(), p.getUsername(), p.getEmail(), p.getFollowers(), p.getFollowing());
    }

    @GET
    @Path(ID)
    public Profile profile(@PathParam("id") long id) {
        Authentication.require(request);
        UserProfile p = users.find(id).orElseThrow(() -> ProblemException.notFound("No user " + id + "."));
        return new Profile(p.getId(), p.getUsername(), p.getFollowers(), p.getFollowing());
    }

    @GET
    @Path(ID + "/followers")
    public List<UserRef> followers(@PathParam("id") long id, @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        Authentication.require(request);
        return users.followers(id, Params.key("after", after, 0), Params.limit(limit, 50, 100));
    }

    @GET
    @Path(ID + "/following")
    public List<UserRef> following(@PathParam("id") long id, @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        Authentication.require(request);
        return users.following(id, Params.key("after", after, 0), Params.limit(limit, 50, 100));
    }

    @POST
    @Path("follow")
    public Edge follow(@QueryParam("toFollowId") String toFollowId) {
        Caller caller = Authentication.require(request);
        long other = other(caller, "toFollowId", toFollowId);
        Deadlocks.retry(() -> users.follow(caller.id(), other));
        return new Edge(caller.id(), other);
    }

    @POST
    @Path("unfollow")
    public Edge unfollow(@QueryParam("toUnfollowId") String toUnfollowId) {
        Caller caller = Authentication.require(request);
        long other = other(caller, "toUnfollowId", toUnfollowId);
        Deadlocks.retry(() -> users.unfollow(caller.id(), other));
        return new Edge(caller.id(), other);
    }

    @DELETE
    @Path("delete")
    public Response delete() {
        long id = Authentication.require(request).id();
        Deadlocks.retry(() -> users.delete(id));
        return Response.noContent().build();
    }

    private static long other(Caller caller, String name, String raw) {
        long id = Params.id(name, raw);
        if (id == caller.id()) {
            throw ProblemException.invalid(name, "must not be the caller's own id");
        }
        return id;
    }
}
