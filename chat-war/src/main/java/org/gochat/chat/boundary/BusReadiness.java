package org.gochat.chat.boundary;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.gochat.db.Bus;

/**
 * {@code /health/ready} is DOWN while the server holds no LISTEN connection: without it, this node
 * neither delivers chat messages nor hears of revoked tokens. The bus connects at startup, when the
 * applications subscribe (DatabaseStartup, the chat hub), and reconnects by itself.
 */
@Readiness
@ApplicationScoped
public class BusReadiness implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("notification-bus").status(Bus.isConnected()).build();
    }
}
