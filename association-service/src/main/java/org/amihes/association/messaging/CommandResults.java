package org.amihes.association.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.amihes.association.AssociationConfig;
import org.amihes.association.commands.CommandStore;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.DeadLetters;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Results of the commands asked for over REST (result.disconnect, result.reconnect) into their stored commands.
 * Acked once stored; a message the database could not take is requeued; a malformed one goes to {@code <queue>.dlq}
 * with the reason.
 */
@ApplicationScoped
public class CommandResults {

    private static final Logger LOG = Logger.getLogger(CommandResults.class);
    private static final String ROLE = "command results";
    static final List<String> COMMANDS = org.amihes.association.commands.Commands.CLIENT_COMMANDS;

    private final RabbitConnections connections;
    private final CommandStore store;
    private final JsonMessages json;
    private final String exchange;
    private final String queue;

    public CommandResults(RabbitConnections connections, CommandStore store, JsonMessages json, Topology topology,
                          AssociationConfig config) {
        this.connections = connections;
        this.store = store;
        this.json = json;
        this.exchange = topology.resultsExchange();
        this.queue = config.commands().resultsQueue();
        connections.require(ROLE);
    }

    void onStart(@Observes @Priority(22) StartupEvent event) {
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                Channel ch = c.createChannel();
                ch.exchangeDeclare(exchange, "topic", true);
                ch.queueDeclare(queue + ".dlq", true, false, false, null);
                ch.queueDeclare(queue, true, false, false, null);
                for (String command : COMMANDS) {
                    ch.queueBind(queue, exchange, MeterJobResultBatch.routingKey(command));
                }
                DeadLetters deadLetters = new DeadLetters(c, "association-service");
                ch.basicQos(20);
                ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                        MeterJobResultBatch batch;
                        try {
                            batch = json.read(body, MeterJobResultBatch.class);
                        } catch (IOException | RuntimeException e) {
                            deadLetters.refuse(ch, envelope.getDeliveryTag(), new DeadLetters.Letter(queue, queue + ".dlq",
                                    envelope.getExchange(), envelope.getRoutingKey(), props, body), DeadLetters.reasonOf(e));
                            return;
                        }
                        List<Uni<Boolean>> stored = new ArrayList<>();
                        for (MeterJobResult r : batch.results()) {
                            stored.add(store.complete(r.jobId(), r.status().name(),
                                    new String(json.write(r), StandardCharsets.UTF_8), r.completedAt()));
                        }
                        Uni.join().all(stored).andFailFast().subscribe().with(
                                done -> settle(ch, envelope.getDeliveryTag(), true),
                                e -> {
                                    LOG.warnf("command results not stored yet (%s); requeued", e.getMessage());
                                    settle(ch, envelope.getDeliveryTag(), false);
                                });
                    }
                });
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "cannot consume command results");
            }
        });
    }

    private static void settle(Channel ch, long tag, boolean done) {
        synchronized (ch) {
            try {
                if (done) {
                    ch.basicAck(tag, false);
                } else {
                    ch.basicNack(tag, false, true);
                }
            } catch (IOException e) {
                LOG.debugf("settling a command result failed (%s): the broker redelivers it", e.getMessage());
            }
        }
    }
}
