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
    private static final java.time.Duration SYNC_CONFIRM_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final RabbitConnections connections;
    private final RegistryViewTable view;
    private final JsonMessages json;
    private final String exchange;
    private final String queue;
    private final String service;
    /** Sync requests wait for their confirms and pauses here, never on a caller's event loop. */
    private final java.util.concurrent.Executor syncRequests = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "registry-sync-request");
        t.setDaemon(true);
        return t;
    });

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
                requestSyncIfEmpty(c, fresh);
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

    private void requestSyncIfEmpty(com.rabbitmq.client.Connection c, boolean fresh) {
        view.size().subscribe().with(n -> {
            if (n > 0 && !fresh) {
                return;
            }
            // off the thread that counted (a database client's event loop): the request waits for its confirm
            syncRequests.execute(() -> requestSync(c, n == 0 ? "empty" : "queue new", 0));
        }, e -> LOG.warnf("cannot count the meter view (%s)", e.getMessage()));
    }

    /**
     * Publishes a {@link RegistrySyncRequest} until a queue takes it: mandatory, confirmed, and when the broker returns
     * it (no queue bound: association-service has not started on this broker yet, as when every pod of a new cluster
     * starts at once) or does not confirm it, asked again after a pause that doubles up to
     * 16 s ({@link #syncPause}), until the service closes the connection (a connection the broker lost recovers, and
     * the request is asked again on it). Without it the request was dropped unheard and the view stayed without the
     * registry's meters.
     */
    private void requestSync(com.rabbitmq.client.Connection c, String why, int attempt) {
        if (!c.isOpen() && (c.getCloseReason() == null || c.getCloseReason().isInitiatedByApplication())) {
            return; // the service is stopping
        }
        String failure;
        try {
            Channel ch = c.createChannel();
            try {
                ch.confirmSelect();
                java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
                ch.addReturnListener(r -> returned.set(true));
                ch.basicPublish(exchange, RegistrySyncRequest.ROUTING_KEY, true, new AMQP.BasicProperties.Builder()
                                .contentType("application/json").deliveryMode(2).build(),
                        json.write(new RegistrySyncRequest(UUID.randomUUID().toString(), service)));
                // for an unroutable mandatory message the broker sends the return before the confirm
                ch.waitForConfirmsOrDie(SYNC_CONFIRM_TIMEOUT.toMillis());
                if (!returned.get()) {
                    LOG.infof("meter view %s: asked association-service for the whole registry (%s)", why, service);
                    return;
                }
                failure = "no queue takes registry sync requests on exchange " + exchange
                        + " yet (association-service not started on this broker)";
            } finally {
                if (ch.isOpen()) {
                    ch.close();
                }
            }
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            failure = "could not ask for the registry (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        java.time.Duration pause = syncPause(attempt);
        LOG.warnf("meter view %s: %s; asking again in %d s (%s)", why, failure, pause.toSeconds(), service);
        java.util.concurrent.CompletableFuture.delayedExecutor(pause.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS,
                syncRequests).execute(() -> requestSync(c, why, attempt + 1));
    }

    /** The pause after failed attempt {@code attempt} (0 for the first): 1 s doubled per attempt, at most 16 s. */
    static java.time.Duration syncPause(int attempt) {
        return java.time.Duration.ofSeconds(1L << Math.min(attempt, 4));
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
