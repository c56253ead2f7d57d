package org.amihes.contracts;

/**
 * Asks association-service to publish the whole registry as {@link MeterRegistryChange}s with {@code snapshot}
 * set: a service whose view of the registry is empty (first start, wiped database) sends it to catch up.
 * Routing key {@link #ROUTING_KEY} on the registry exchange.
 */
public record RegistrySyncRequest(String requestId, String requestedBy) {

    public static final String ROUTING_KEY = "registry.sync-request";
}
