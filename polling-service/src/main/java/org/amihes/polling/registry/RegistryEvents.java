package org.amihes.polling.registry;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.RegistrySyncRequest;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.DeadLetters;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Keeps {@link MeterView} from association-service's registry events: a durable queue bound to
 * {@code registry.change}, each event applied in one statement and acked after it committed; a malformed event goes
 * to the dead-letter queue. When the view is empty at start (first start, new database), asks association-service
 * for the whole registry with a {@link RegistrySyncRequest}.
 */
@ApplicationScoped
public class RegistryEvents {

    private static final Logger LOG = Logger.getLogger(RegistryEvents.class);
    private static final String ROLE = "registry events";

    private final RabbitConnections connections;
    private final MeterView view;
    private final JsonMessages json;
    private final String exchange;
    private final String queue;

    public RegistryEvents(RabbitConnections connections, MeterView view, JsonMessages json, Topology topology,
                          org.amihes.polling.PollingConfig config) {
        this.connections = connections;
        this.view = view;
        this.json = json;
        this.exchange = topology.registryExchange();
        this.queue = config.registryView().queue();
        connections.require(ROLE);
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                Channel ch = c.createChannel();
                ch.exchangeDeclare(exchange, "topic", true);
                ch.exchangeDeclare(exchange + ".dlx", "fanout", true);
                ch.queueDeclare(queue + ".dlq", true, false, false, null);
                ch.queueBind(queue + ".dlq", exchange + ".dlx", "");
                ch.queueDeclare(queue, true, false, false, Map.of("x-dead-letter-exchange", exchange + ".dlx"));
                ch.queueBind(queue, exchange, MeterRegistryChange.ROUTING_KEY);
                ch.basicQos(16);
                ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                        onEvent(ch, envelope.getDeliveryTag(), body);
                    }
                });
                requestSyncIfEmpty(ch);
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "cannot consume registry events");
            }
        });
    }

    private void onEvent(Channel ch, long tag, byte[] body) {
        MeterRegistryChange change;
        try {
            change = json.read(body, MeterRegistryChange.class);
            if (change.meters().stream().anyMatch(m -> m.meterId() == null || m.vendor() == null || m.updatedAt() == null)) {
                throw new IOException("every meter needs meterId, vendor and updatedAt");
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf("rejecting malformed registry event to the dead-letter queue: %s", e.getMessage());
            deadLetter(ch, tag, body, "malformed registry event: " + e.getMessage());
            return;
        }
        view.apply(change.meters()).subscribe().with(v -> settle(ch, tag, Settle.ACK), e -> {
            LOG.warnf("registry event not stored yet (%s); requeued", e.getMessage());
            settle(ch, tag, Settle.REQUEUE);
        });
    }

    private void requestSyncIfEmpty(Channel ch) {
        view.size().subscribe().with(n -> {
            if (n > 0) {
                return;
            }
            try {
                synchronized (ch) {
                    ch.basicPublish(exchange, RegistrySyncRequest.ROUTING_KEY, new AMQP.BasicProperties.Builder()
                            .contentType("application/json").deliveryMode(2).build(),
                            json.write(new RegistrySyncRequest(UUID.randomUUID().toString(), "polling-service")));
                }
                LOG.info("meter view empty: asked association-service for the whole registry");
            } catch (IOException e) {
                LOG.warnf("could not ask for the registry (%s)", e.getMessage());
            }
        }, e -> LOG.warnf("cannot count the meter view (%s)", e.getMessage()));
    }

    private enum Settle { ACK, REQUEUE }

    private void deadLetter(Channel ch, long tag, byte[] body, String reason) {
        try {
            synchronized (ch) {
                DeadLetters.send(ch, tag, queue + ".dlq", queue, body, reason);
            }
        } catch (IOException | InterruptedException | java.util.concurrent.TimeoutException | RuntimeException e) {
            // the channel went down: the event is redelivered and rejected again
            LOG.debugf("registry event: could not dead-letter delivery %d (%s)", tag, e.getMessage());
        }
    }

    private static void settle(Channel ch, long tag, Settle how) {
        try {
            synchronized (ch) {
                switch (how) {
                    case ACK -> ch.basicAck(tag, false);
                    case REQUEUE -> ch.basicNack(tag, false, true);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the channel went down: the broker redelivers
        }
    }
}
