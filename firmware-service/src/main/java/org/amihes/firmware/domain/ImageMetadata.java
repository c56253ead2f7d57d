package org.amihes.firmware.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * What the head-end knows about a stored firmware image, without its bytes.
 *
 * @param identifier the COSEM image_identifier the meter will be given
 * @param sha256     lower-case hex digest of the bytes; one image per distinct content
 * @param vendor     the manufacturer's 3-letter FLAG id, as a meter's logical device name starts
 * @param model      the device type as the registry names it (meter_registry.json {@code vendor}, e.g. aurora-ax1)
 */
public record ImageMetadata(UUID id, String identifier, String version, long size, String sha256, Instant createdAt,
                            String vendor, String model) {
}
