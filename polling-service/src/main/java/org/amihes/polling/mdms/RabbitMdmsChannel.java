package org.amihes.polling.mdms;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.amihes.contracts.MdmsReading;
import org.amihes.contracts.MdmsReadings;
import org.amihes.polling.PollingConfig;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.rabbitmq.ConfirmedPublisher;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Readings to the RabbitMQ topic exchange {@code hes.mdms.amqp.exchange} (default {@code mdms.readings}): persistent
 * JSON messages ({@link MdmsReadings}) of up to 500 readings of one routing key {@code reading.<kind>.<obis>} (e.g.
 * {@code reading.register.1.0.1.8.0.255}), message id a digest of their dedup keys ({@link MdmsMessages}), confirms
 * awaited per pass (multiple acks). The configured durable queues are declared and bound ({@code #}) so nothing waits on a consumer being there,
 * each a bounded buffer ({@link MdmsQueues}).
 */
@ApplicationScoped
public class RabbitMdmsChannel implements MdmsChannel {

    private static final Logger LOG = Logger.getLogger(RabbitMdmsChannel.class);
    private static final String ROLE = "mdms publication";

    private final RabbitConnections connections;
    private final JsonMessages json;
    private final PollingConfig.Mdms.Amqp config;
    private volatile ConfirmedPublisher publisher;

    private final MdmsQueueDepths depths;

    public RabbitMdmsChannel(RabbitConnections connections, JsonMessages json, PollingConfig config,
                             MdmsQueueDepths depths) {
        this.connections = connections;
        this.depths = depths;
        this.json = json;
        this.config = config.mdms().amqp();
        if (this.config.enabled()) {
            connections.require(ROLE);
        }
    }

    void onStart(@Observes @Priority(30) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                MdmsQueues.declare(c, config);
                publisher = new ConfirmedPublisher(c, "hes-publisher-mdms");
                depths.start(c);
            } catch (Exception e) {
                LOG.errorf(e, "cannot publish readings to %s", config.exchange());
            }
        });
    }

    @Override
    public String name() {
        return MdmsChannels.AMQP;
    }

    @Override
    public boolean ready() {
        return publisher != null;
    }

    @Override
    public CompletableFuture<Void> publish(List<MdmsReading> readings) {
        ConfirmedPublisher p = publisher;
        if (p == null) {
            return CompletableFuture.failedFuture(new ConfirmedPublisher.NotConfirmed("not connected to the broker yet"));
        }
        List<List<MdmsReading>> messages = MdmsMessages.group(readings, RabbitMdmsChannel::routingKey);
        CompletableFuture<?>[] confirms = new CompletableFuture<?>[messages.size()];
        for (int i = 0; i < confirms.length; i++) {
            List<MdmsReading> m = messages.get(i);
            confirms[i] = p.publish(new ConfirmedPublisher.Outgoing(config.exchange(), routingKey(m.get(0)),
                    MdmsMessages.messageId(m), json.write(new MdmsReadings(m))));
        }
        return CompletableFuture.allOf(confirms);
    }

    static String routingKey(MdmsReading r) {
        return "reading." + r.kind().name().toLowerCase(Locale.ROOT) + "." + r.obis();
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        ConfirmedPublisher p = publisher;
        if (p != null) {
            p.close();
        }
    }
}
