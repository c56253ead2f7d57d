package org.amihes.service.rabbitmq;

import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Publishing to one exchange with broker confirms, over a connection of its own that is opened when the broker is
 * there ({@link RabbitConnections#openWhenAvailable}); declares the exchange first. Until then, a publish fails at
 * once with {@link ConfirmedPublisher.NotConfirmed}: the caller keeps what it wanted to publish (a job stays unacked,
 * an outbox row stays) and tries again.
 */
public final class ExchangePublisher {

    private static final Logger LOG = Logger.getLogger(ExchangePublisher.class);

    private final RabbitConnections connections;
    private final String role;
    private final String exchange;
    private final String exchangeType;
    private final CompletableFuture<ConfirmedPublisher> publisher = new CompletableFuture<>();
    private final boolean mustRoute;

    /** {@code role} names the connection (readiness requires it); {@code exchangeType} e.g. "topic". */
    public ExchangePublisher(RabbitConnections connections, String role, String exchange, String exchangeType) {
        this(connections, role, exchange, exchangeType, false);
    }

    /**
     * @param mustRoute every message must reach a queue: one no queue takes fails its publish
     *                  ({@link ConfirmedPublisher}, mandatory) instead of being confirmed and dropped
     */
    public ExchangePublisher(RabbitConnections connections, String role, String exchange, String exchangeType,
                             boolean mustRoute) {
        this.mustRoute = mustRoute;
        this.connections = connections;
        this.role = role;
        this.exchange = exchange;
        this.exchangeType = exchangeType;
        connections.require(role);
    }

    /** Connects in the background; {@code onReady} runs once the exchange is declared. */
    public void open(Runnable onReady) {
        connections.openWhenAvailable(role).thenAccept(c -> {
            try {
                ConfirmedPublisher p = new ConfirmedPublisher(c, "hes-publisher-" + role.replace(' ', '-'), mustRoute);
                p.channelForDeclarations().exchangeDeclare(exchange, exchangeType, true);
                publisher.complete(p);
                onReady.run();
            } catch (Exception e) {
                LOG.errorf(e, "cannot publish to %s (%s exchange)", exchange, exchangeType);
            }
        });
    }

    public String exchange() {
        return exchange;
    }

    /** Completes when the broker confirmed the message. */
    public CompletableFuture<Void> publish(String routingKey, String messageId, byte[] body) {
        return publish(routingKey, messageId, body, null);
    }

    /** Completes when the broker confirmed the message, sent with {@code headers} (null: none). */
    public CompletableFuture<Void> publish(String routingKey, String messageId, byte[] body,
                                           java.util.Map<String, Object> headers) {
        ConfirmedPublisher p = publisher.getNow(null);
        if (p == null) {
            return CompletableFuture.failedFuture(new ConfirmedPublisher.NotConfirmed("not connected to the broker yet"));
        }
        return p.publish(new ConfirmedPublisher.Outgoing(exchange, routingKey, messageId, body, headers));
    }

    public boolean ready() {
        return publisher.isDone() && !publisher.isCompletedExceptionally();
    }

    public void close() throws InterruptedException {
        ConfirmedPublisher p = publisher.getNow(null);
        if (p != null) {
            p.close();
        }
    }
}
