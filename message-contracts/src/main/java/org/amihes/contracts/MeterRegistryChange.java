package org.amihes.contracts;

import java.util.List;

/**
 * Meters created or changed in association-service's registry, published after their transaction committed
 * (through an outbox, so a broker outage delays the event but never loses it). Routing key
 * {@link #ROUTING_KEY} on the registry exchange ({@code hes.topology.registry-exchange}). A large import is
 * published as several changes of at most {@link #MAX_METERS} meters each.
 *
 * @param changeId unique per event (consumers may use it to drop a redelivery; applying one twice is harmless too)
 * @param snapshot true when the event answers a {@link RegistrySyncRequest} (a part of the whole registry)
 */
public record MeterRegistryChange(String changeId, boolean snapshot, List<RegisteredMeter> meters) {

    public static final String ROUTING_KEY = "registry.change";
    public static final int MAX_METERS = 1000;

    public MeterRegistryChange {
        meters = meters == null ? List.of() : List.copyOf(meters);
    }
}
