package org.gochat.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The server's root, {@code /}, and every path outside the services' context roots. Without an
 * application at {@code /} Liberty answers these itself (its welcome page at {@code /}, an HTML
 * "context root not found" page elsewhere), so the server has a small one (root.war in
 * liberty-config, nothing but its web.xml): {@code /} sends browsers to the client at
 * {@value #CLIENT}, anything else is a 404 problem.
 */
public class RootPage extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String CLIENT = "/chat/app/";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getRequestURI().equals("/")) {
            ProblemException.notFound("No such resource.").send(response);
        } else if (request.getMethod().equals("GET") || request.getMethod().equals("HEAD")) {
            response.sendRedirect(CLIENT);
        } else {
            ProblemException.methodNotAllowed("GET, HEAD").send(response);
        }
    }
}
