package org.amihes.contracts;

import java.util.List;

/**
 * The MDMS message: stored readings as polling-service publishes them (RabbitMQ exchange {@code mdms.readings}, MQTT
 * topic {@code hes/readings/<kind>/<meterId>}), JSON {@code {"readings": [...]}}, at most {@link #MAX_READINGS} per
 * message, each an {@link MdmsReading} that stands alone with its dedup key. On RabbitMQ a message holds readings of one
 * routing key ({@code reading.<kind>.<obis>}); on MQTT the readings of one meter and kind. A reading published again
 * (at-least-once relay) may come in another message: a consumer deduplicates per reading, never per message.
 */
public record MdmsReadings(List<MdmsReading> readings) {

    /** The most readings one message holds (the broker carries one persistent message per batch, not per reading). */
    public static final int MAX_READINGS = 500;

    public MdmsReadings {
        if (readings == null || readings.isEmpty()) {
            throw new ContractViolation("readings", "missing or empty");
        }
        if (readings.size() > MAX_READINGS) {
            throw new ContractViolation("readings", readings.size() + " readings, at most " + MAX_READINGS);
        }
        for (int i = 0; i < readings.size(); i++) {
            if (readings.get(i) == null) {
                throw new ContractViolation("readings[" + i + "]", "null");
            }
        }
        readings = List.copyOf(readings);
    }
}
