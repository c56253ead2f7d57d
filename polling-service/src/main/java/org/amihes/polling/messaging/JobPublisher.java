package org.amihes.polling.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.amihes.contracts.MeterJob;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.MeterJobPublisher;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.RabbitConnections;

/** polling-service's {@link MeterJobPublisher}, open while the service runs. */
@ApplicationScoped
public class JobPublisher {

    private final MeterJobPublisher out;

    public JobPublisher(JsonMessages json, Topology topology, RabbitConnections connections) {
        this.out = new MeterJobPublisher(json, topology, connections, "read jobs");
    }

    void onStart(@Observes @Priority(15) StartupEvent event) {
        out.open();
    }

    /** Completes when the broker confirmed every job; fails if one was refused or the connection was lost. */
    public CompletableFuture<Void> publishAll(List<MeterJob> jobs) {
        return out.publishAll(jobs);
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) throws InterruptedException {
        out.close();
    }
}
