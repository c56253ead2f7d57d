package org.amihes.service.rabbitmq;

import com.rabbitmq.client.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while every RabbitMQ connection a service needs is open (DOWN while one is missing or recovering). */
@Readiness
@ApplicationScoped
public class RabbitHealth implements HealthCheck {

    public static final String NAME = "RabbitMQ connections";

    private final RabbitConnections connections;

    public RabbitHealth(RabbitConnections connections) {
        this.connections = connections;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Connection> open = connections.opened();
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME).up();
        for (String role : connections.required()) {
            Connection c = open.get(role);
            boolean up = c != null && c.isOpen();
            b.withData(role, up ? "open" : "closed");
            if (!up) {
                b.down();
            }
        }
        return b.build();
    }
}
