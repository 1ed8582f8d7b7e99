package org.gochat.user.boundary;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
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

import org.gochat.user.control.Posts;
import org.gochat.user.entity.Post;
import org.gochat.web.Caller;
import org.gochat.web.Params;
import org.gochat.web.ProblemException;

/** Posts and the feed: {@code /user/posts}, {@code /user/posts/{postId}}, {@code /user/{id}/posts}, {@code /user/feed}. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ROLE)
public class PostsResource {

    /** Post ids in paths: a whole number (see {@link UsersResource#ID}). */
    private static final String POST_ID = "{postId: [-+]?\\d+}";

    @Inject
    Posts posts;

    @Context
    SecurityContext security;

    @POST
    @Path("posts")
    public Response create(JsonObject body) {
        Caller caller = Caller.of(security);
        Post post = posts.create(caller.id(), content(body));
        return Response.created(URI.create("/user/posts/" + post.id())).entity(post).build();
    }

    @GET
    @Path("posts/" + POST_ID)
    public Post find(@PathParam("postId") long postId) {
        return posts.find(postId).orElseThrow(() -> ProblemException.notFound("No post " + postId + "."));
    }

    @DELETE
    @Path("posts/" + POST_ID)
    public Response delete(@PathParam("postId") long postId) {
        posts.delete(Caller.of(security).id(), postId);
        return Response.noContent().build();
    }

    @GET
    @Path(UsersResource.ID + "/posts")
    public List<Post> byAuthor(@PathParam("id") long id, @QueryParam("limit") String limit,
            @QueryParam("before") String before) {
        return posts.byAuthor(id, Params.key("before", before, Long.MAX_VALUE), Params.limit(limit, 20, 100));
    }

    @GET
    @Path("feed")
    public List<Post> feed(@QueryParam("limit") String limit, @QueryParam("before") String before) {
        Caller caller = Caller.of(security);
        return posts.feed(caller.id(), Params.key("before", before, Long.MAX_VALUE), Params.limit(limit, 20, 100));
    }

    /** The {@code content} of a body {@code {"content": "..."}}; 400 for anything else. */
    private static String content(JsonObject body) {
        if (!(body.get("content") instanceof JsonString content)) {
            throw ProblemException.invalid("content", "is required and must be a string");
        }
        return content.getString();
    }
}
