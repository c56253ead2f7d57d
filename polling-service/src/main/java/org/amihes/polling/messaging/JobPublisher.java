package org.amihes.polling.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.amihes.contracts.ReadJob;
import org.amihes.contracts.ReadJobBatch;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.ConfirmedPublisher;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.jboss.logging.Logger;

/**
 * Publishes read jobs to the jobs exchange (consistent hash) as {@link ReadJobBatch}es: the jobs of one routing bucket
 * together, up to {@link ReadJobBatch#MAX_JOBS} per message, routed by the bucket, so each meter lands in one
 * partition of association-service; with broker confirms, many awaiting their confirm at once.
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
        java.util.Map<String, List<ReadJob>> byBucket = new java.util.HashMap<>();
        for (ReadJob job : jobs) {
            byBucket.computeIfAbsent(ReadJobBatch.routingKey(job.meterId()), k -> new java.util.ArrayList<>()).add(job);
        }
        List<CompletableFuture<Void>> confirms = new java.util.ArrayList<>();
        byBucket.forEach((key, bucket) -> {
            for (int from = 0; from < bucket.size(); from += ReadJobBatch.MAX_JOBS) {
                List<ReadJob> part = bucket.subList(from, Math.min(bucket.size(), from + ReadJobBatch.MAX_JOBS));
                confirms.add(p.publish(new ConfirmedPublisher.Outgoing(exchange, key,
                        part.get(0).jobId() + "+" + (part.size() - 1), json.write(new ReadJobBatch(part)))));
            }
        });
        return CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new));
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        ConfirmedPublisher p = publisher.getNow(null);
        if (p != null) {
            p.close();
        }
    }
}
