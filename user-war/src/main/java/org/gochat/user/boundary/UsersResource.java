package org.gochat.user.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.gochat.user.control.Users;
import org.gochat.user.entity.UserProfile;
import org.gochat.web.Authentication;
import org.gochat.web.Caller;
import org.gochat.web.ProblemException;

/** Profiles and the follow graph: {@code /user/me}, {@code /user/{id}}, followers, following, follow, unfollow, delete. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    public record Me(long id, String username, String email, long followers, long following) {
        static Me of(UserProfile p) {
            return new Me(p.getId(), p.getUsername(), p.getEmail(), p.getFollowers(), p.getFollowing());
        }
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
        return users.find(caller.id()).map(Me::of)
                .orElseThrow(() -> ProblemException.unauthorized("The account no longer exists."));
    }
}
