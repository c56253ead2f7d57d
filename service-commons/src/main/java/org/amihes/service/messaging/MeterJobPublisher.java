package org.amihes.service.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.service.rabbitmq.ExchangePublisher;
import org.amihes.service.rabbitmq.RabbitConnections;

/**
 * Publishes meter jobs to the jobs exchange (consistent hash) as {@link MeterJobBatch}es: the jobs of one routing
 * bucket together, up to {@link MeterJobBatch#MAX_JOBS} per message, routed by the bucket, so each meter lands in one
 * partition of association-service whatever service asked, with the headers that announce its jobs (a replica
 * admits it before it parses it); with broker confirms, many awaiting their confirm at once.
 * A service that sends jobs has one bean of a subclass naming its role (the connection readiness requires); it opens
 * when the service starts and closes when it stops.
 */
public abstract class MeterJobPublisher {

    private final JsonMessages json;
    /** A consistent-hash exchange: RabbitMQ's plugin rabbitmq_consistent_hash_exchange must be enabled. */
    private final ExchangePublisher out;

    protected MeterJobPublisher(JsonMessages json, Topology topology, RabbitConnections connections, String role) {
        this.json = json;
        // mandatory: before association-service bound its partitions on this broker, a job would be confirmed and
        // dropped; returned, its publish fails and the sender's sweeper publishes it again
        this.out = new ExchangePublisher(connections, role, topology.jobsExchange(), "x-consistent-hash", true);
    }

    protected void onStart(@Observes @Priority(15) StartupEvent event) {
        out.open(() -> { });
    }

    /**
     * Completes when the broker confirmed every job into a partition; fails if one was refused, returned (no partition
     * bound yet) or the connection was lost.
     */
    public CompletableFuture<Void> publishAll(List<MeterJob> jobs) {
        List<CompletableFuture<Void>> confirms = new java.util.ArrayList<>();
        for (MeterJobBatch batch : MeterJobBatch.of(jobs)) {
            confirms.add(out.publish(batch.routingKey(), batch.jobs().get(0).jobId() + "+" + (batch.jobs().size() - 1),
                    json.write(batch), batch.headers()));
        }
        return CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new));
    }

    protected void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        out.close();
    }
}
