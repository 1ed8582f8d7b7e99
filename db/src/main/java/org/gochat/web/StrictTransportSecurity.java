package org.gochat.web;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

import org.gochat.db.Settings;

/**
 * {@code Strict-Transport-Security: max-age=<GOCHAT_HSTS_MAX_AGE>} on every response sent over
 * HTTPS, none over plain HTTP. Each WAR maps it to {@code /*} in its web.xml. (A servlet filter and
 * not Liberty's endpoint {@code <headers>}: those apply to both ports of an endpoint, and with HTTP
 * and HTTPS on two endpoints Liberty can no longer redirect plain-HTTP requests for its own
 * HTTPS-only pages, such as the Admin Center, and logs an error for each.)
 */
public class StrictTransportSecurity implements Filter {

    private String value;

    @Override
    public void init(FilterConfig config) {
        value = "max-age=" + Math.max(0, Settings.getInt("GOCHAT_HSTS_MAX_AGE", 31_536_000));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.isSecure()) {
            ((HttpServletResponse) response).setHeader("Strict-Transport-Security", value);
        }
        chain.doFilter(request, response);
    }
}
