package org.gochat.user.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.metrics.MetricRegistry;
import org.gochat.web.LibraryMetrics;

/** The user service's metrics, registered (at zero) when it starts: those of the shared library ({@link LibraryMetrics}). */
@ApplicationScoped
public class UserMetrics {

    void atStart(@Observes @Initialized(ApplicationScoped.class) Object started, MetricRegistry registry) {
        LibraryMetrics.register(registry);
    }
}
