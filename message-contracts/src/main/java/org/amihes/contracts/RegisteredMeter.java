package org.amihes.contracts;

import java.time.Instant;

/**
 * A meter as other services see the registry: its id, its vendor and the time of the registry row it comes from.
 *
 * @param updatedAt when association-service last changed this meter; a view keeps the newest and ignores older ones,
 *                  so events arriving out of order never roll a meter back
 */
public record RegisteredMeter(String meterId, String vendor, Instant updatedAt) {
}
