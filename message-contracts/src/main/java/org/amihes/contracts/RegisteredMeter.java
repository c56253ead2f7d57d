package org.amihes.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A meter as other services see the registry: its id, its vendor, its tags and the time of the registry row it comes
 * from.
 *
 * @param vendor    the registry's device type (e.g. {@code aurora-ax1}: vendor and model)
 * @param tags      the registry's free labels of the meter (e.g. {@code feeder-12}, {@code pilot}); never null
 * @param updatedAt when association-service last changed this meter; a view keeps the newest and ignores older ones,
 *                  so events arriving out of order never roll a meter back
 */
public record RegisteredMeter(String meterId, String vendor, Instant updatedAt, List<String> tags) {

    public RegisteredMeter {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A meter without tags. */
    public RegisteredMeter(String meterId, String vendor, Instant updatedAt) {
        this(meterId, vendor, updatedAt, List.of());
    }
}
