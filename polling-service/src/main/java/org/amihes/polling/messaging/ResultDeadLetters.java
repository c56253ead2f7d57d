package org.amihes.polling.messaging;

import com.rabbitmq.client.Channel;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.amihes.service.rabbitmq.DeadLetters;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Malformed read results to their dead-letter queue with the reason ({@link DeadLetters}), on a thread of its own:
 * the confirm is waited for, never on an event loop. The results consumer acks the original once this completes.
 */
@ApplicationScoped
public class ResultDeadLetters {

    private static final Logger LOG = Logger.getLogger(ResultDeadLetters.class);
    private static final String ROLE = "dead letters";

    private final RabbitConnections connections;
    private final String queue;
    private final String deadLetterQueue;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "hes-dead-letters"));
    private volatile Channel channel;

    public ResultDeadLetters(RabbitConnections connections,
                             @ConfigProperty(name = "mp.messaging.incoming.read-results.queue.name") String queue,
                             @ConfigProperty(name = "mp.messaging.incoming.read-results.dead-letter-queue-name") String deadLetterQueue) {
        this.connections = connections;
        this.queue = queue;
        this.deadLetterQueue = deadLetterQueue;
    }

    void onStart(@Observes StartupEvent event) {
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                channel = c.createChannel();
            } catch (java.io.IOException e) {
                LOG.errorf("dead letters: no channel (%s); malformed results fall back to a plain reject", e.getMessage());
            }
        });
    }

    /** Completes once the dead letter is confirmed; fails if it could not be sent. */
    public CompletableFuture<Void> send(byte[] body, String reason) {
        return CompletableFuture.runAsync(() -> {
            Channel ch = channel;
            if (ch == null) {
                throw new IllegalStateException("no broker channel for dead letters yet");
            }
            try {
                DeadLetters.publish(ch, deadLetterQueue, queue, body, reason);
            } catch (Exception e) {
                throw new IllegalStateException("dead letter not confirmed: " + e.getMessage(), e);
            }
        }, thread);
    }

    void onStop(@Observes ShutdownEvent event) {
        thread.shutdown();
    }
}
