package org.amihes.association.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the meter-job partitions are connected to RabbitMQ. */
@Readiness
@ApplicationScoped
public class JobPartitionsHealth implements HealthCheck {

    public static final String NAME = "meter job partitions";

    private final JobPartitions partitions;

    public JobPartitionsHealth(JobPartitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(partitions.connected())
                .withData("subscribed", partitions.partitionsSubscribed()).build();
    }
}
