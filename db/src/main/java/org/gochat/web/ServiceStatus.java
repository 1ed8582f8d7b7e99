package org.gochat.web;

/** The body of each service's root route: {@code {"service":"auth","status":"UP"}}. */
public record ServiceStatus(String service, String status) {

    public static ServiceStatus up(String service) {
        return new ServiceStatus(service, "UP");
    }
}
