package org.gochat.auth.boundary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.gochat.auth.control.Sessions;
import org.gochat.auth.control.Sessions.Session;
import org.gochat.web.Authentication;
import org.gochat.web.Caller;
import org.gochat.web.Origins;
import org.gochat.web.Problem;
import org.gochat.web.ProblemException;

/** {@code POST /auth/register}, {@code /auth/login}, {@code /auth/logout}. */
@Path("/")
public class AuthResource {

    /** The body of register and login: the account (never its hash) and its token. */
    public record SessionView(UserView user, String token, Instant expiresAt) {
    }

    public record UserView(long id, String username, String email) {
    }

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@" + LABEL + "(?:\\." + LABEL + ")+");
    private static final int MAX_EMAIL = 254;
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 128;

    @Inject
    Sessions sessions;

    /** For the origin, the client address and the scheme; never for who is calling. */
    @Context
    HttpServletRequest request;

    @Context
    SecurityContext security;

    @POST
    @Path("register")
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public void register(JsonObject body, @Suspended AsyncResponse response) {
        Origins.require(request); // no login CSRF: another site's page cannot sign a browser in
        List<Problem.FieldError> errors = new ArrayList<>();
        String username = field(body, "username", errors);
        String email = field(body, "email", errors);
        String password = field(body, "password", errors);
        if (username != null && !USERNAME.matcher(username).matches()) {
            errors.add(new Problem.FieldError("username", "3 to 32 letters, digits, '_', '.' or '-'"));
        }
        if (email != null && (email.length() > MAX_EMAIL || !EMAIL.matcher(email).matches())) {
            errors.add(new Problem.FieldError("email", "a valid email address of at most " + MAX_EMAIL + " characters"));
        }
        if (password != null && !passwordLengthOk(password)) {
            errors.add(new Problem.FieldError("password", MIN_PASSWORD + " to " + MAX_PASSWORD + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        boolean secure = request.isSecure();
        resume(response, sessions.register(username, email, password, ClientAddress.of(request)), session ->
                withCookie(Response.status(Response.Status.CREATED), session, secure)
                        .header(HttpHeaders.LOCATION, "/user/" + session.account().getId()));
    }

    @POST
    @Path("login")
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public void login(JsonObject body, @Suspended AsyncResponse response) {
        Origins.require(request);
        List<Problem.FieldError> errors = new ArrayList<>();
        String email = field(body, "email", errors);
        String password = field(body, "password", errors);
        if (email != null && email.codePointCount(0, email.length()) > MAX_EMAIL) {
            errors.add(new Problem.FieldError("email", "at most " + MAX_EMAIL + " characters"));
        }
        if (password != null && password.codePointCount(0, password.length()) > MAX_PASSWORD) {
            errors.add(new Problem.FieldError("password", "at most " + MAX_PASSWORD + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        boolean secure = request.isSecure();
        resume(response, sessions.login(email, password, ClientAddress.of(request)),
                session -> withCookie(Response.ok(), session, secure));
    }

    @POST
    @Path("logout")
    @RolesAllowed(Caller.ROLE)
    public Response logout() {
        sessions.logout(Caller.of(security));
        return Response.accepted().header(HttpHeaders.SET_COOKIE, cookie("", Duration.ZERO, request.isSecure())).build();
    }

    /** Answers once hashing is done, on the hashing pool's thread: waiting never holds a request thread. */
    private static void resume(AsyncResponse response, CompletionStage<Session> session,
            Function<Session, Response.ResponseBuilder> success) {
        session.whenComplete((s, failure) -> {
            if (failure == null) {
                response.resume(success.apply(s).build());
            } else {
                response.resume(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
            }
        });
    }

    private static Response.ResponseBuilder withCookie(Response.ResponseBuilder response, Session session, boolean secure) {
        Duration maxAge = Duration.between(Instant.now(), session.token().expiresAt());
        return response
                .header(HttpHeaders.SET_COOKIE, cookie(session.token().token(), maxAge, secure))
                .entity(new SessionView(
                        new UserView(session.account().getId(), session.account().getUsername(), session.account().getEmail()),
                        session.token().token(), session.token().expiresAt()));
    }

    private static String cookie(String value, Duration maxAge, boolean secure) {
        return Authentication.COOKIE + "=" + value + "; Path=/; Max-Age=" + Math.max(0, maxAge.toSeconds())
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** A required non-empty string field; otherwise an error for it and null. */
    private static String field(JsonObject body, String name, List<Problem.FieldError> errors) {
        if (!(body.get(name) instanceof JsonString value)) {
            errors.add(new Problem.FieldError(name, body.containsKey(name) ? "must be a string" : "is required"));
            return null;
        }
        if (value.getString().isEmpty()) {
            errors.add(new Problem.FieldError(name, "is required"));
            return null;
        }
        return value.getString();
    }

    private static boolean passwordLengthOk(String password) {
        int length = password.codePointCount(0, password.length());
        return length >= MIN_PASSWORD && length <= MAX_PASSWORD;
    }
}
