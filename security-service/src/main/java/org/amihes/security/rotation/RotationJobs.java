package org.amihes.security.rotation;

import jakarta.inject.Singleton;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.MeterJobPublisher;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.RabbitConnections;

/** security-service's key transfer and confirmation jobs. */
@Singleton // no client proxy: the publisher has no no-args constructor
public class RotationJobs extends MeterJobPublisher {

    public RotationJobs(JsonMessages json, Topology topology, RabbitConnections connections) {
        super(json, topology, connections, "key jobs");
    }
}
