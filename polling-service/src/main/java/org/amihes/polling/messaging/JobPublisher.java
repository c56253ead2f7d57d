package org.amihes.polling.messaging;

import jakarta.inject.Singleton;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.MeterJobPublisher;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.RabbitConnections;

/** polling-service's read jobs. */
@Singleton // no client proxy: the publisher has no no-args constructor
public class JobPublisher extends MeterJobPublisher {

    public JobPublisher(JsonMessages json, Topology topology, RabbitConnections connections) {
        super(json, topology, connections, "read jobs");
    }
}
