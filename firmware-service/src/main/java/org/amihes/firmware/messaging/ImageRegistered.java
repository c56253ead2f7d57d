package org.amihes.firmware.messaging;

import java.util.UUID;

/**
 * Announces a newly stored firmware image on the {@code firmware-events} exchange, routing key
 * {@code image.registered}. Sent once per distinct image, never for an idempotent repeat upload.
 */
public record ImageRegistered(UUID id, String identifier, String version, long size, String sha256) {

    public static final String ROUTING_KEY = "image.registered";
}
