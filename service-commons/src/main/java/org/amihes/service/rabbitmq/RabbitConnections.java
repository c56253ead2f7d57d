package org.amihes.service.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Connections to RabbitMQ with the RabbitMQ Java client, on the same settings as the services' messaging channels
 * ({@code rabbitmq-host}, ... from the environment). Each connection recovers by itself after a broker restart:
 * the connection, its channels, their declared topology and consumers. Consuming and publishing use separate
 * connections, so the broker's flow control on a publisher never stalls deliveries.
 */
@ApplicationScoped
public class RabbitConnections {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RabbitConnections.class);

    private final ConnectionFactory factory = new ConnectionFactory();
    private final Map<String, Connection> open = new ConcurrentHashMap<>();
    private final java.util.Set<String> required = ConcurrentHashMap.newKeySet();

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
        Connection c = factory.newConnection(role);
        open.put(role, c);
        return c;
    }

    /**
     * Opens the connection in the background, retrying every second until the broker answers: a broker that is
     * down when a service starts delays its messaging, it does not stop the service (readiness says so meanwhile).
     */
    public java.util.concurrent.CompletableFuture<Connection> openWhenAvailable(String role) {
        java.util.concurrent.CompletableFuture<Connection> opened = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            for (int attempt = 0; !opened.isDone(); attempt++) {
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
