package org.gochat.user.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.metrics.MetricRegistry;
import org.gochat.web.RequestLimits;

/** The user service's metrics, registered (at zero) when it starts: those of the limits every service shares. */
@ApplicationScoped
public class UserMetrics {

    void atStart(@Observes @Initialized(ApplicationScoped.class) Object started, MetricRegistry registry) {
        RequestLimits.registerMetrics(registry);
    }
}
