package org.amihes.firmware.rest;

import java.time.Instant;
import java.util.UUID;
import org.amihes.firmware.domain.ImageMetadata;

/** Image metadata as the API shows it; the bytes are at {@code /images/{id}/content}. */
public record ImageResponse(UUID id, String identifier, String version, long size, String sha256, Instant createdAt,
                            String vendor, String model) {

    public static ImageResponse of(ImageMetadata image) {
        return new ImageResponse(image.id(), image.identifier(), image.version(), image.size(), image.sha256(),
                image.createdAt(), image.vendor(), image.model());
    }
}
