package org.amihes.security.domain;

import java.time.Instant;

/**
 * A stored profile.
 *
 * @param version starts at 1, goes up by one on every change of settings and never on a repeat of the same ones
 */
public record VersionedProfile(SecurityProfile profile, int version, Instant updatedAt) {
}
