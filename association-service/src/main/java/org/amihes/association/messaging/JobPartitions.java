package org.amihes.association.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.association.AssociationConfig;
import org.amihes.association.MeterSessions;
import org.amihes.association.messaging.JobConsumer.Settlement;
import org.amihes.association.messaging.JobConsumer.Verdict;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.DeadLetters;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Meter jobs from RabbitMQ, partitioned by meter. The jobs exchange is a consistent-hash exchange (routing key = meter
 * id); this service binds {@code partitions} durable queues to it, each with {@code x-single-active-consumer}, and
 * every replica subscribes to every partition: the broker delivers a partition to one replica at a time, so a meter's
 * jobs are never executed by two replicas at once, and a standby takes a partition over when its holder goes away.
 * Within the replica, {@link MeterSessions} serialises a meter's jobs and bounds the sessions open at once.
 *
 * <p>The RabbitMQ Java client recovers the connection, the topology and the consumers by itself after a broker
 * restart; deliveries from before the restart are redelivered by the broker, and acknowledging them on the recovered
 * channel is ignored by the client instead of closing the channel.
 */
@ApplicationScoped
public class JobPartitions {

    private static final Logger LOG = Logger.getLogger(JobPartitions.class);

    private final AssociationConfig config;
    private final JobConsumer consumer;
    private final MeterSessions sessions;
    private final Vertx vertx;
    private final String exchange;
    private static final String ROLE = "meter jobs";
    private final RabbitConnections connections;
    /** Acks and nacks are socket writes: they leave the event loop for this thread. */
    private final ExecutorService settler = Executors.newSingleThreadExecutor(r -> new Thread(r, "hes-job-settle"));
    private final Map<Integer, Channel> subscribed = new ConcurrentHashMap<>();
    /** Jobs handed to the consumer and not yet settled with the broker. */
    private final java.util.concurrent.atomic.AtomicInteger unsettled = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Connection connection;
    private volatile DeadLetters deadLetters;
    private final Counter requeued;
    private volatile boolean stopping;
    private volatile Context context;

    public JobPartitions(AssociationConfig config, JobConsumer consumer, MeterSessions sessions, Vertx vertx,
                         Topology topology, RabbitConnections connections, MeterRegistry metrics) {
        this.config = config;
        this.requeued = Counter.builder("hes.jobs.requeued")
                .description("messages of jobs sent back to their queue unfinished").register(metrics);
        this.consumer = consumer;
        io.micrometer.core.instrument.Gauge.builder("hes.jobs.held", consumer, JobConsumer::jobsHeld)
                .description("jobs taken out of their messages, running or waiting for a session").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("hes.jobs.messages.waiting", consumer, JobConsumer::messagesWaiting)
                .description("messages of jobs delivered and waiting for room in the job window").register(metrics);
        this.sessions = sessions;
        this.vertx = vertx;
        this.exchange = topology.jobsExchange();
        this.connections = connections;
        connections.require(ROLE);
    }

    public String queue(int partition) {
        return String.format("%s.%02d", config.jobs().queuePrefix(), partition);
    }

    public String deadLetterQueue() {
        return config.jobs().queuePrefix() + ".dlq";
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        context = vertx.getOrCreateContext();
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                start(c);
            } catch (Exception e) {
                LOG.errorf(e, "meter jobs: cannot declare or subscribe the partitions");
            }
        });
    }

    private void start(Connection c) throws Exception {
        try (Channel setup = c.createChannel()) {
            declare(setup);
        }
        deadLetters = new DeadLetters(c, "association-service");
        ((Recoverable) c).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                LOG.infof("meter jobs: connection to RabbitMQ recovered, %d partitions subscribed", subscribed.size());
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                LOG.warn("meter jobs: connection to RabbitMQ lost; recovering (unacked jobs are redelivered)");
            }
        });
        connection = c;
        int partitions = config.jobs().partitions();
        List<Integer> later = new java.util.ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (preferred(p)) {
                subscribe(p);
            } else {
                later.add(p);
            }
        }
        if (!later.isEmpty()) {
            vertx.setTimer(Math.max(1, config.jobs().standbyDelay().toMillis()), t -> vertx.executeBlocking(() -> {
                for (int p : later) {
                    subscribe(p);
                }
                return null;
            }, false).onFailure(e -> LOG.errorf(e, "meter jobs: cannot subscribe as standby")));
        }
        LOG.infof("meter jobs: %d partitions of %s, %d subscribed now%s", partitions, exchange,
                partitions - later.size(), later.isEmpty() ? "" : ", the rest as standby in " + config.jobs().standbyDelay());
    }

    private boolean preferred(int partition) {
        return config.jobs().ordinal().isEmpty() || partition % Math.max(1, config.jobs().replicas()) == config.jobs().ordinal().getAsInt();
    }

    private void declare(Channel ch) throws IOException {
        String dlx = exchange + ".dlx";
        ch.exchangeDeclare(exchange, "x-consistent-hash", true);
        ch.exchangeDeclare(dlx, "fanout", true);
        ch.queueDeclare(deadLetterQueue(), true, false, false, null);
        ch.queueBind(deadLetterQueue(), dlx, "");
        for (int p = 0; p < config.jobs().partitions(); p++) {
            ch.queueDeclare(queue(p), true, false, false, Map.of("x-single-active-consumer", true,
                    "x-dead-letter-exchange", dlx));
            ch.queueBind(queue(p), exchange, "1"); // the binding key is the partition's weight on the hash ring
        }
    }

    private void subscribe(int partition) throws IOException {
        if (stopping || subscribed.containsKey(partition)) {
            return;
        }
        Channel ch = connection.createChannel();
        // messages of 1 to MeterJobBatch.MAX_JOBS jobs: enough to fill the job window even with one job each when this
        // replica holds every partition; more would only wait on the heap (as they came, when their headers announce
        // their jobs: parsed once admitted)
        int partitions = config.jobs().partitions();
        ch.basicQos(config.jobs().prefetch().orElse(Math.max(2, (consumer.windowSize() + partitions - 1) / partitions)));
        String queue = queue(partition);
        ch.basicConsume(queue, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                if (stopping) {
                    return; // left unacked: the broker gives it to the next replica when this one closes
                }
                unsettled.incrementAndGet();
                Received received = new Received(ch, envelope.getDeliveryTag(), new DeadLetters.Letter(queue,
                        deadLetterQueue(), envelope.getExchange(), envelope.getRoutingKey(), properties, body));
                Optional<MeterJobBatch.Announced> announced = MeterJobBatch.announced(properties.getHeaders());
                context.runOnContext(v -> consumer.onJobs(body, envelope.isRedeliver(), announced)
                        .onComplete(ar -> settleOrPause(received, ar.succeeded() ? ar.result() : Verdict.REQUEUE)));
            }
        });
        subscribed.put(partition, ch);
    }

    /** One delivery, as it must be settled on the channel it came from (and dead-lettered, if it comes to that). */
    private record Received(Channel channel, long tag, DeadLetters.Letter letter) {
    }

    /** A requeue waits {@code requeue-delay} first, unless the replica is stopping (then its partitions move on). */
    private void settleOrPause(Received received, Verdict verdict) {
        if (verdict.settlement() == Settlement.REQUEUE) {
            requeued.increment();
            if (!stopping) {
                vertx.setTimer(Math.max(1, config.jobs().requeueDelay().toMillis()), id -> settle(received, verdict));
                return;
            }
        }
        settle(received, verdict);
    }

    private void settle(Received received, Verdict verdict) {
        settler.execute(() -> {
            Channel ch = received.channel();
            try {
                unsettled.decrementAndGet();
                switch (verdict.settlement()) {
                    case ACK -> ch.basicAck(received.tag(), false);
                    case REQUEUE -> ch.basicNack(received.tag(), false, true);
                    // dead letter with the reason, confirmed, then acked (a reject to the DLX if that fails)
                    case REJECT -> deadLetters.refuse(ch, received.tag(), received.letter(), verdict.reason());
                }
            } catch (IOException | RuntimeException e) {
                // the channel went down with the connection: the broker redelivers the job
                LOG.debugf("meter jobs: could not %s delivery %d (%s)", verdict.settlement(), received.tag(), e.getMessage());
            }
        });
    }

    public int partitionsSubscribed() {
        return subscribed.size();
    }

    /**
     * Stopping: no new session starts (jobs not started go back to the broker), running sessions may finish and
     * their results are published, then the partitions are given up. Closing the channels only after the sessions
     * ended means a standby never talks to a meter this replica is still talking to.
     */
    void onStop(@Observes @Priority(10) ShutdownEvent event) { // first: the publisher must outlive the drain
        stopping = true;
        consumer.stopTaking();
        try {
            sessions.drain().toCompletionStage().toCompletableFuture()
                    .get(config.jobs().drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("meter jobs: sessions still open after %s; giving the partitions up anyway", config.jobs().drainTimeout());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (unsettled.get() > 0 && System.nanoTime() < deadline) { // results being confirmed, then acked
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        settler.shutdown();
        try {
            settler.awaitTermination(5, TimeUnit.SECONDS);
            Connection c = connection;
            if (c != null) {
                c.close(5000);
            }
        } catch (Exception e) {
            LOG.debugf("meter jobs: closing the connection: %s", e.getMessage());
        }
    }
}
