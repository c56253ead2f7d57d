package org.amihes.polling.registry;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.amihes.service.registry.RegistryViewConsumer;

/** Keeps {@link MeterView} from association-service's registry events (service-commons {@link RegistryViewConsumer}). */
@ApplicationScoped
public class RegistryEvents {

    private final RegistryViewConsumer consumer;

    public RegistryEvents(RabbitConnections connections, MeterView view, JsonMessages json, Topology topology,
                          org.amihes.polling.PollingConfig config) {
        this.consumer = new RegistryViewConsumer(connections, view, json, topology, config.registryView().queue(),
                "polling-service");
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        consumer.start();
    }
}
