package org.amihes.contracts;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A stored reading as polling-service publishes it to MDMS consumers (RabbitMQ exchange {@code mdms.readings}, MQTT
 * topic {@code hes/readings/<kind>/<meterId>}): one message per reading, JSON, the one definition of the MDMS schema
 * (documented field by field in the README, "MDMS publication").
 *
 * @param dedupKey    {@code <meterId>/<obis>/<captureTime>}: the same reading published again (at-least-once relay)
 *                    carries the same key; a consumer keeps the first and drops repeats
 * @param kind        {@link Kind#REGISTER} for a register read, {@link Kind#INTERVAL} for a load-profile interval
 * @param captureTime the meter's time of the value (register: the meter's clock at the read; interval: its end)
 * @param value       {@code raw × 10^scaler}, in {@code unit}
 * @param status      the interval's status/quality flags as the meter reported them; null for registers
 * @param source      the job that read it
 * @param storedAt    when the head-end stored it
 */
public record MdmsReading(String dedupKey, Kind kind, String meterId, String obis, Instant captureTime, BigDecimal value,
                          String unit, BigDecimal raw, int scaler, String status, String source, Instant storedAt) {

    /** What a reading is: a register value or a load-profile interval. */
    public enum Kind { REGISTER, INTERVAL }

    public MdmsReading {
        ContractViolation.required("kind", kind);
        ContractViolation.required("meterId", meterId);
        ContractViolation.required("obis", obis);
        ContractViolation.required("captureTime", captureTime);
        ContractViolation.required("value", value);
        ContractViolation.required("unit", unit);
        ContractViolation.required("source", source);
        String expected = dedupKey(meterId, obis, captureTime);
        if (dedupKey == null) {
            dedupKey = expected;
        } else if (!dedupKey.equals(expected)) {
            throw new ContractViolation("dedupKey", "'" + dedupKey + "' is not " + expected);
        }
    }

    /** The key a consumer deduplicates on: meter, OBIS code (profile channel for intervals), capture time. */
    public static String dedupKey(String meterId, String obis, Instant captureTime) {
        return meterId + "/" + obis + "/" + captureTime;
    }
}
