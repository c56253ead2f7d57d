package org.amihes.association.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import org.amihes.association.persistence.MeterStore;
import org.amihes.contracts.RegistrySyncRequest;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.DeadLetters;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Answers a {@link RegistrySyncRequest} (a service whose view of the registry is empty) by putting the whole registry
 * into the outbox as snapshot events; the request is acked once they are committed there. A request that is not a
 * {@link RegistrySyncRequest} naming its sender goes to {@code <queue>.dlq} with the reason ({@link DeadLetters}).
 */
@ApplicationScoped
public class RegistrySyncConsumer {

    private static final Logger LOG = Logger.getLogger(RegistrySyncConsumer.class);
    private static final String ROLE = "registry sync";

    private final RabbitConnections connections;
    private final MeterStore store;
    private final OutboxRelay relay;
    private final String exchange;
    private final String queue;
    private final JsonMessages json;

    public RegistrySyncConsumer(RabbitConnections connections, MeterStore store, OutboxRelay relay, Topology topology,
                                org.amihes.association.AssociationConfig config, JsonMessages json) {
        this.json = json;
        this.connections = connections;
        this.store = store;
        this.relay = relay;
        this.exchange = topology.registryExchange();
        this.queue = config.registry().syncQueue();
        connections.require(ROLE);
    }

    void onStart(@Observes @Priority(21) StartupEvent event) {
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                Channel ch = c.createChannel();
                ch.exchangeDeclare(exchange, "topic", true);
                ch.queueDeclare(deadLetterQueue(), true, false, false, null);
                ch.queueDeclare(queue, true, false, false, null);
                DeadLetters deadLetters = new DeadLetters(c, "association-service");
                ch.queueBind(queue, exchange, RegistrySyncRequest.ROUTING_KEY);
                ch.basicQos(1);
                ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                        String malformed = malformed(body);
                        if (malformed != null) {
                            deadLetters.refuse(ch, envelope.getDeliveryTag(), new DeadLetters.Letter(queue,
                                    deadLetterQueue(), envelope.getExchange(), envelope.getRoutingKey(), props, body), malformed);
                            return;
                        }
                        store.enqueueSnapshot().subscribe().with(n -> {
                            LOG.infof("registry sync requested: %d meters queued as snapshot events", n);
                            relay.kick();
                            settle(ch, envelope.getDeliveryTag(), true);
                        }, e -> {
                            LOG.warnf("registry sync request not answered yet (%s); requeued", e.getMessage());
                            settle(ch, envelope.getDeliveryTag(), false);
                        });
                    }
                });
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "cannot consume registry sync requests");
            }
        });
    }

    /** Where malformed sync requests go, with the reason ({@link DeadLetters}); not retried. */
    public String deadLetterQueue() {
        return queue + ".dlq";
    }

    /** Why a sync request cannot be answered, or null: it must be a {@link RegistrySyncRequest} naming its sender. */
    private String malformed(byte[] body) {
        RegistrySyncRequest request;
        try {
            request = json.read(body, RegistrySyncRequest.class);
        } catch (IOException | RuntimeException e) {
            return DeadLetters.reasonOf(e);
        }
        if (request == null) {
            return "not a sync request: the body is JSON null";
        }
        if (request.requestId() == null || request.requestId().isBlank()) {
            return "field 'requestId': required";
        }
        if (request.requestedBy() == null || request.requestedBy().isBlank()) {
            return "field 'requestedBy': required";
        }
        return null;
    }

    private static void settle(Channel ch, long tag, boolean done) {
        synchronized (ch) {
            settleNow(ch, tag, done);
        }
    }

    private static void settleNow(Channel ch, long tag, boolean done) {
        try {
            if (done) {
                ch.basicAck(tag, false);
            } else {
                ch.basicNack(tag, false, true);
            }
        } catch (IOException | RuntimeException e) {
            // the channel went down: the broker redelivers the request
        }
    }
}
