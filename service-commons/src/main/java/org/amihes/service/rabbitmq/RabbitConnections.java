package org.amihes.service.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Connections to RabbitMQ with the RabbitMQ Java client, on the same settings as the services' messaging channels
 * ({@code rabbitmq-host}, ... from the environment). Each connection recovers by itself after a broker restart:
 * the connection, its channels, their declared topology and consumers. Consuming and publishing use separate
 * connections, so the broker's flow control on a publisher never stalls deliveries. All are closed when the service
 * stops: a consumer left on a connection of a stopped application (a test restarting Quarkus under another profile)
 * kept taking messages and refused them as "ArC container not initialized" (DeadLetterTest in the clean-clone run of
 * 2916458).
 */
@ApplicationScoped
public class RabbitConnections {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RabbitConnections.class);

    private final ConnectionFactory factory = new ConnectionFactory();
    private final Map<String, Connection> open = new ConcurrentHashMap<>();
    private final java.util.Set<String> required = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public RabbitConnections(@ConfigProperty(name = "rabbitmq-host") String host,
                             @ConfigProperty(name = "rabbitmq-port") int port,
                             @ConfigProperty(name = "rabbitmq-username") String username,
                             @ConfigProperty(name = "rabbitmq-password") String password,
                             @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost,
                             @ConfigProperty(name = "quarkus.application.name") String application) {
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
        factory.setRequestedHeartbeat(10);
        factory.setClientProperties(Map.of("connection_name", application));
    }

    /** Opens a connection named {@code role} (shown in the broker's management); blocking: not on an event loop. */
    public Connection open(String role) throws IOException, TimeoutException {
        if (closed) {
            throw new IOException("the service is stopping: no new RabbitMQ connection (" + role + ")");
        }
        Connection c = factory.newConnection(role);
        open.put(role, c);
        if (closed) { // stopped while this one was being opened
            close(role, c);
        }
        return c;
    }

    /** Last of the shutdown (after the consumers and publishers that close their own channels first). */
    void onStop(@Observes @Priority(10_000) ShutdownEvent event) {
        closed = true;
        open.forEach(this::close);
        open.clear();
    }

    private void close(String role, Connection c) {
        try {
            if (c.isOpen()) {
                c.close(2_000);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("closing RabbitMQ connection %s: %s", role, e.getMessage());
        }
    }

    /**
     * Opens the connection in the background, retrying every second until the broker answers: a broker that is
     * down when a service starts delays its messaging, it does not stop the service (readiness says so meanwhile).
     */
    public java.util.concurrent.CompletableFuture<Connection> openWhenAvailable(String role) {
        java.util.concurrent.CompletableFuture<Connection> opened = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            for (int attempt = 0; !opened.isDone() && !closed; attempt++) {
                try {
                    opened.complete(open(role));
                } catch (IOException | TimeoutException | RuntimeException e) {
                    if (attempt % 10 == 0) {
                        LOG.warnf("RabbitMQ not reachable for %s (%s); retrying every second", role, e.getMessage());
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        opened.cancel(false);
                        return;
                    }
                }
            }
        }, "rabbitmq-connect-" + role);
        t.setDaemon(true);
        t.start();
        return opened;
    }

    /** Marks a connection (by role) the service is not ready without ({@link RabbitHealth}). */
    public void require(String role) {
        required.add(role);
    }

    public java.util.Set<String> required() {
        return java.util.Set.copyOf(required);
    }

    /** The connections opened so far, by role, for readiness. */
    public Map<String, Connection> opened() {
        return Map.copyOf(open);
    }
}
