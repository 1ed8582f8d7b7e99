package org.gochat.auth.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.Metric;
import org.gochat.web.LibraryMetrics;

/**
 * Every metric of the auth service, in one place, registered when the application starts so each
 * is exported (counters at 0) before its first event.
 */
@ApplicationScoped
public class AuthMetrics {

    @Inject
    MetricRegistry registry;

    @Inject
    Passwords passwords;

    @Inject
    @Metric(name = "gochat.logins.failed", absolute = true, description = "Logins refused for a wrong email or password")
    Counter failed;

    @Inject
    @Metric(name = "gochat.logins.limited", absolute = true,
            description = "Logins refused with 429: too many failures of the account from the address, or from the address")
    Counter limited;

    @Inject
    @Metric(name = "gochat.logins.slowed", absolute = true,
            description = "Logins delayed because their account failed too often from all addresses together")
    Counter slowed;

    @Inject
    @Metric(name = "gochat.passwordHash.clientLimited", absolute = true,
            description = "Registrations and logins refused with 429: their client address had its hashes in progress already")
    Counter hashClientLimited;

    /** Observing the start creates the bean, and so registers its counters; the gauge is registered here. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        LibraryMetrics.register(registry);
        passwords.queueDepth(); // creates the hashing pool now, never on a scrape of the gauge
        registry.gauge(Metadata.builder().withName("gochat.passwordHash.queueDepth")
                .withDescription("Password hashes waiting for a hashing thread").build(),
                passwords, Passwords::queueDepth);
    }

    public void loginFailed() {
        failed.inc();
    }

    public void loginLimited() {
        limited.inc();
    }

    public void loginSlowed() {
        slowed.inc();
    }

    public void hashClientLimited() {
        hashClientLimited.inc();
    }
}
