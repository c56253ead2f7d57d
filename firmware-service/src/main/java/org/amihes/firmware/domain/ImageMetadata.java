package org.amihes.firmware.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * What the head-end knows about a stored firmware image, without its bytes.
 *
 * @param identifier the COSEM image_identifier the meter will be given
 * @param sha256     lower-case hex digest of the bytes; one image per distinct content
 */
public record ImageMetadata(UUID id, String identifier, String version, long size, String sha256, Instant createdAt) {
}
