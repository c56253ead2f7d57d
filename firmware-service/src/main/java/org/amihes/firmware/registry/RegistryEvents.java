package org.amihes.firmware.registry;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.amihes.firmware.FirmwareConfig;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.RabbitConnections;
import org.amihes.service.registry.RegistryViewConsumer;

/** Keeps {@link FirmwareMeterView} from association-service's registry events (service-commons). */
@ApplicationScoped
public class RegistryEvents {

    private final RegistryViewConsumer consumer;

    public RegistryEvents(RabbitConnections connections, FirmwareMeterView view, JsonMessages json, Topology topology,
                          FirmwareConfig config) {
        this.consumer = new RegistryViewConsumer(connections, view, json, topology, config.registryQueue(),
                "firmware-service");
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        consumer.start();
    }
}
