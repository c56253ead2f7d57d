package org.amihes.polling.mdms;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.polling.PollingConfig;

/**
 * The metric {@code hes_mdms_queue_messages{queue}}: the depth of each declared MDMS queue and of its overflow queue,
 * sampled every {@code hes.mdms.amqp.depth-every} on a worker thread (the client's calls block). An overflow queue
 * above zero means a consumer stayed away longer than its queue's bound: readings were pushed out of it (see
 * {@link MdmsQueues}); -1 while a queue cannot be looked at.
 */
@ApplicationScoped
public class MdmsQueueDepths {

    private final Vertx vertx;
    private final PollingConfig.Mdms.Amqp config;
    private final Map<String, AtomicLong> depths = new ConcurrentHashMap<>();
    private volatile Connection connection;

    @jakarta.inject.Inject
    public MdmsQueueDepths(Vertx vertx, PollingConfig config, MeterRegistry metrics) {
        this(vertx, config.mdms().amqp(), metrics);
    }

    MdmsQueueDepths(Vertx vertx, PollingConfig.Mdms.Amqp config, MeterRegistry metrics) {
        this.vertx = vertx;
        this.config = config;
        for (String q : queues()) {
            AtomicLong depth = new AtomicLong(-1);
            depths.put(q, depth);
            Gauge.builder("hes.mdms.queue.messages", depth, AtomicLong::get).tag("queue", q)
                    .description("Readings waiting in an MDMS queue polling-service declares (and in its overflow queue)")
                    .register(metrics);
        }
    }

    private List<String> queues() {
        List<String> out = new ArrayList<>();
        for (String q : config.queues()) {
            out.add(q);
            out.add(MdmsQueues.overflowQueue(q));
        }
        return out;
    }

    /** Starts sampling on this connection (once the queues are declared). */
    void start(Connection c) {
        connection = c;
        sample();
        vertx.setPeriodic(config.depthEvery().toMillis(), id -> sample());
    }

    /** The depth last sampled, -1 when not known. */
    public long depth(String queue) {
        AtomicLong d = depths.get(queue);
        return d == null ? -1 : d.get();
    }

    /** Samples now (on a worker thread). */
    public void sample() {
        Connection c = connection;
        if (c == null) {
            return;
        }
        vertx.executeBlocking(() -> {
            for (Map.Entry<String, AtomicLong> e : depths.entrySet()) {
                try (Channel ch = c.createChannel()) {
                    e.getValue().set(ch.messageCount(e.getKey()));
                } catch (Exception missing) {
                    e.getValue().set(-1);
                }
            }
            return null;
        }, false);
    }
}
