package org.amihes.security;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.amihes.service.messaging.Topology;
import org.amihes.service.testing.TestRabbit;

/**
 * association-service's place on the jobs exchange in security-service's tests: one partition bound to it, as
 * association-service's JobPartitions binds its sixteen, keeping nothing it is given ({@code x-max-length} 0). Key
 * transfers are published mandatory: with no partition bound the broker returns them and a rotation's claim waits,
 * as it does in a cluster where association-service has not started yet. Declared before anything is published.
 */
@ApplicationScoped
public class AssociationPartition {

    static final String QUEUE = "association.jobs.security-test";

    void onStart(@Observes @Priority(1) StartupEvent event, Topology topology) throws Exception {
        try (Connection c = TestRabbit.factory().newConnection("security-test-partition")) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare(topology.jobsExchange(), "x-consistent-hash", true);
            ch.queueDeclare(QUEUE, true, false, false, Map.of("x-max-length", 0));
            ch.queueBind(QUEUE, topology.jobsExchange(), "1");
        }
    }
}
