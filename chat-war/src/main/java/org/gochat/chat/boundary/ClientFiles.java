package org.gochat.chat.boundary;

import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.gochat.web.ProblemException;

/**
 * Serves the browser client, the static files under webapp/app/, at /chat/app/. The JAX-RS
 * application is mapped to "/" and would otherwise answer every path of this WAR, these included.
 */
@WebServlet("/app/*")
public class ClientFiles extends HttpServlet {

    /** Only same-origin scripts, styles, fetches and WebSockets; nothing inline, no frames. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            response.sendRedirect(request.getContextPath() + "/app/");
            return;
        }
        if (path.endsWith("/")) {
            path += "index.html";
        }
        // Liberty maps .js to the legacy application/x-javascript.
        String type = path.endsWith(".js") ? "text/javascript" : getServletContext().getMimeType(path);
        try (InputStream file = path.contains("..") ? null : getServletContext().getResourceAsStream("/app" + path)) {
            if (file == null || type == null) {
                ProblemException.notFound("No such file.").send(response);
                return;
            }
            response.setContentType(type.startsWith("text/") ? type + ";charset=UTF-8" : type);
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("Referrer-Policy", "no-referrer");
            file.transferTo(response.getOutputStream());
        }
    }
}
