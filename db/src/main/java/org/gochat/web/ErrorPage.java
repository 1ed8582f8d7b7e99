package org.gochat.web;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response.Status;

/**
 * The error page of every GoChat application (each web.xml maps it as the default
 * {@code <error-page>}): what the container itself refuses (a path with bad percent-encoding such
 * as {@code %23} or {@code %2F}, a failure outside the JAX-RS resources) is answered as problem+json
 * with a generic detail, never the container's HTML page with its exception.
 */
public class ErrorPage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c && c >= 400 ? c : 404; // asked for directly: nothing here
        problem(status).send(response);
    }

    /** A problem for a status the container chose, with nothing of the cause in it. */
    static ProblemException problem(int status) {
        Status known = Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String detail = switch (status) {
            case 400 -> "The request is not valid (its path may hold characters that are not allowed).";
            case 404 -> "No such resource.";
            default -> status >= 500 ? "Unexpected error." : title + ".";
        };
        return new ProblemException(status, title, detail);
    }
}
