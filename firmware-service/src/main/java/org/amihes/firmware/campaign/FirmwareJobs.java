package org.amihes.firmware.campaign;

import jakarta.inject.Singleton;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.MeterJobPublisher;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.RabbitConnections;

/** firmware-service's image transfer jobs. */
@Singleton // no client proxy: the publisher has no no-args constructor
public class FirmwareJobs extends MeterJobPublisher {

    public FirmwareJobs(JsonMessages json, Topology topology, RabbitConnections connections) {
        super(json, topology, connections, "firmware jobs");
    }
}
