package org.amihes.association.commands;

import jakarta.inject.Singleton;
import org.amihes.service.messaging.JsonMessages;
import org.amihes.service.messaging.MeterJobPublisher;
import org.amihes.service.messaging.Topology;
import org.amihes.service.rabbitmq.RabbitConnections;

/** association-service's jobs for the work asked for over REST: meter commands and interoperability runs' probes. */
@Singleton // no client proxy: the publisher has no no-args constructor
public class CommandJobs extends MeterJobPublisher {

    public CommandJobs(JsonMessages json, Topology topology, RabbitConnections connections) {
        super(json, topology, connections, "command jobs");
    }
}
