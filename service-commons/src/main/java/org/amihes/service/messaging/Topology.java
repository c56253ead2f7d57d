package org.amihes.service.messaging;

import io.smallrye.config.ConfigMapping;

/**
 * The broker topology's names, one definition for every service (defaults in service-commons'
 * {@code META-INF/microprofile-config.properties}; tests override them per service).
 */
@ConfigMapping(prefix = "hes.topology")
public interface Topology {

    /** Meter jobs: a consistent-hash exchange, routing key = meter id. */
    String jobsExchange();

    /** Job results: a topic exchange. */
    String resultsExchange();

    /** Registry changes and sync requests: a topic exchange. */
    String registryExchange();

    /** What meters push unasked, decoded ({@code MeterPushEvent}, routing keys push.data / push.event): a topic exchange. */
    String eventsExchange();
}
