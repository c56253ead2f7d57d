package org.amihes.polling.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.amihes.contracts.ReadJob;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ConfirmedPublisher;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Publishes read jobs to the jobs exchange (consistent hash, routing key = meter id, so each meter lands in one
 * partition of association-service) with broker confirms, many awaiting their confirm at once.
 */
@ApplicationScoped
public class JobPublisher {

    private static final String ROLE = "read jobs";
    private static final Logger LOG = Logger.getLogger(JobPublisher.class);

    private final JsonMessages json;
    private final String exchange;
    private final RabbitConnections connections;
    private final CompletableFuture<ConfirmedPublisher> publisher = new CompletableFuture<>();

    public JobPublisher(JsonMessages json, Topology topology, RabbitConnections connections) {
        this.json = json;
        this.exchange = topology.jobsExchange();
        this.connections = connections;
        connections.require(ROLE);
    }

    void onStart(@Observes @Priority(15) StartupEvent event) {
        connections.openWhenAvailable(ROLE).thenAccept(c -> {
            try {
                ConfirmedPublisher p = new ConfirmedPublisher(c, "hes-job-publisher");
                p.channelForDeclarations().exchangeDeclare(exchange, "x-consistent-hash", true);
                publisher.complete(p);
            } catch (Exception e) {
                LOG.errorf(e, "cannot open the read-job publisher (is the rabbitmq_consistent_hash_exchange plugin enabled?)");
            }
        });
    }

    /** Completes when the broker confirmed every job; fails if one was refused or the connection was lost. */
    public CompletableFuture<Void> publishAll(List<ReadJob> jobs) {
        ConfirmedPublisher p = publisher.getNow(null);
        if (p == null) {
            return CompletableFuture.failedFuture(new ConfirmedPublisher.NotConfirmed("not connected to the broker yet"));
        }
        CompletableFuture<?>[] confirms = new CompletableFuture<?>[jobs.size()];
        for (int i = 0; i < confirms.length; i++) {
            ReadJob job = jobs.get(i);
            confirms[i] = p.publish(new ConfirmedPublisher.Outgoing(exchange, job.meterId(), job.jobId(), json.write(job)));
        }
        return CompletableFuture.allOf(confirms);
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        ConfirmedPublisher p = publisher.getNow(null);
        if (p != null) {
            p.close();
        }
    }
}
