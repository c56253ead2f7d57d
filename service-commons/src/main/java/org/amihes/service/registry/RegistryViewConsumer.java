package org.amihes.service.registry;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
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
 * Keeps a {@link RegistryViewTable} from association-service's registry events: a durable queue bound to
 * {@code registry.change}, each event applied in one statement and acked after it committed; a malformed event goes
 * to {@code <queue>.dlq} with the reason ({@link DeadLetters}). When the view is empty at start (first start, new
 * database), or its queue did not exist yet (events before now never reached it), asks association-service for the
 * whole registry with a {@link RegistrySyncRequest}. A service holds one
 * and calls {@link #start()} from its startup observer.
 */
public final class RegistryViewConsumer {

    private static final Logger LOG = Logger.getLogger(RegistryViewConsumer.class);
    public static final String ROLE = "registry events";

    private final RabbitConnections connections;
    private final RegistryViewTable view;
    private final JsonMessages json;
    private final String exchange;
    private final String queue;
    private final String service;

    /** Registers the connection role readiness requires; {@code service} names the sender in sync requests. */
    public RegistryViewConsumer(RabbitConnections connections, RegistryViewTable view, JsonMessages json,
                                Topology topology, String queue, String service) {
        this.connections = connections;
        this.view = view;
        this.json = json;
        this.exchange = topology.registryExchange();
        this.queue = queue;
        this.service = service;
        connections.require(ROLE);
    }

    public void start() {
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                boolean fresh = !queueExists(c);
                Channel ch = c.createChannel();
                ch.exchangeDeclare(exchange, "topic", true);
                ch.exchangeDeclare(exchange + ".dlx", "fanout", true);
                ch.queueDeclare(queue + ".dlq", true, false, false, null);
                ch.queueBind(queue + ".dlq", exchange + ".dlx", "");
                ch.queueDeclare(queue, true, false, false, Map.of("x-dead-letter-exchange", exchange + ".dlx"));
                ch.queueBind(queue, exchange, MeterRegistryChange.ROUTING_KEY);
                ch.basicQos(16);
                DeadLetters deadLetters = new DeadLetters(c, service);
                ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                        onEvent(ch, envelope.getDeliveryTag(), body, deadLetters, new DeadLetters.Letter(queue,
                                queue + ".dlq", envelope.getExchange(), envelope.getRoutingKey(), props, body));
                    }
                });
                requestSyncIfEmpty(ch, fresh);
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "cannot consume registry events");
            }
        });
    }

    private void onEvent(Channel ch, long tag, byte[] body, DeadLetters deadLetters, DeadLetters.Letter letter) {
        MeterRegistryChange change;
        String malformed;
        try {
            change = json.read(body, MeterRegistryChange.class);
            malformed = change == null ? "not a registry change: the body is JSON null" : missingField(change);
        } catch (IOException | RuntimeException e) {
            change = null;
            malformed = DeadLetters.reasonOf(e);
        }
        if (malformed != null) {
            // waits for the confirm of the dead letter, which comes on the connection's own thread, not this one
            deadLetters.refuse(ch, tag, letter, malformed);
            return;
        }
        view.apply(change.meters()).subscribe().with(v -> settle(ch, tag, true), e -> {
            LOG.warnf("registry event not stored yet (%s); requeued", e.getMessage());
            settle(ch, tag, false);
        });
    }

    /** The first required field an event lacks, as a reason; null when it has them all. */
    public static String missingField(MeterRegistryChange change) {
        if (change.changeId() == null || change.changeId().isBlank()) {
            return "field 'changeId': required";
        }
        if (change.meters().isEmpty()) {
            return "field 'meters': missing or empty";
        }
        for (int i = 0; i < change.meters().size(); i++) {
            var m = change.meters().get(i);
            if (m == null) {
                return "field 'meters[" + i + "]': null";
            }
            if (m.meterId() == null || m.vendor() == null || m.updatedAt() == null) {
                return "field 'meters[" + i + "]." + (m.meterId() == null ? "meterId" : m.vendor() == null ? "vendor" : "updatedAt")
                        + "': required (every meter needs meterId, vendor and updatedAt)";
            }
        }
        return null;
    }

    /**
     * Whether the view's queue existed before this start: a queue declared now missed every registry event published
     * before, so the view asks for the whole registry even when it is not empty (a view kept in a database that
     * outlived its queue).
     */
    private boolean queueExists(com.rabbitmq.client.Connection c) throws IOException {
        Channel probe = c.createChannel();
        try {
            probe.queueDeclarePassive(queue);
            probe.close();
            return true;
        } catch (IOException missing) {
            return false; // the failed passive declare closed the probe channel
        } catch (java.util.concurrent.TimeoutException e) {
            return true;
        }
    }

    private void requestSyncIfEmpty(Channel ch, boolean fresh) {
        view.size().subscribe().with(n -> {
            if (n > 0 && !fresh) {
                return;
            }
            try {
                synchronized (ch) {
                    ch.basicPublish(exchange, RegistrySyncRequest.ROUTING_KEY, new AMQP.BasicProperties.Builder()
                            .contentType("application/json").deliveryMode(2).build(),
                            json.write(new RegistrySyncRequest(UUID.randomUUID().toString(), service)));
                }
                LOG.infof("meter view %s: asked association-service for the whole registry (%s)",
                        n == 0 ? "empty" : "queue new", service);
            } catch (IOException e) {
                LOG.warnf("could not ask for the registry (%s)", e.getMessage());
            }
        }, e -> LOG.warnf("cannot count the meter view (%s)", e.getMessage()));
    }

    private static void settle(Channel ch, long tag, boolean ack) {
        try {
            synchronized (ch) {
                if (ack) {
                    ch.basicAck(tag, false);
                } else {
                    ch.basicNack(tag, false, true);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the channel went down: the broker redelivers
        }
    }
}
