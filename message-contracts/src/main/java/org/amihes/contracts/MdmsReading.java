package org.amihes.contracts;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A stored reading as polling-service publishes it to MDMS consumers, inside an {@link MdmsReadings} message (RabbitMQ
 * exchange {@code mdms.readings}, MQTT topic {@code hes/readings/<kind>/<meterId>}): JSON, the one definition of the
 * MDMS schema (documented field by field in the README, "MDMS publication").
 *
 * @param dedupKey    {@link #dedupKey(Kind, String, String, String, Instant)}: the same reading published again
 *                    (at-least-once relay) carries the same key; a consumer keeps the first and drops repeats
 * @param kind        {@link Kind#REGISTER} for a register read, {@link Kind#INTERVAL} for a load-profile interval
 * @param profile     the load profile (OBIS code) an interval belongs to; null for registers
 * @param obis        the register, or the profile's channel for an interval
 * @param unit        the unit as the DLMS standard names it; required for registers, null for an interval channel
 *                    whose object declares none
 * @param captureTime the meter's time of the value (register: the meter's clock at the read; interval: its end)
 * @param value       {@code raw × 10^scaler}, in {@code unit}
 * @param status      the interval's status/quality flags as the meter reported them; null for registers
 * @param source      the job that read it
 * @param storedAt    when the head-end stored it
 */
public record MdmsReading(String dedupKey, Kind kind, String meterId, String profile, String obis, Instant captureTime, BigDecimal value,
                          String unit, BigDecimal raw, int scaler, String status, String source, Instant storedAt) {

    /** What a reading is: a register value or a load-profile interval. */
    public enum Kind { REGISTER, INTERVAL }

    public MdmsReading {
        ContractViolation.required("kind", kind);
        ContractViolation.required("meterId", meterId);
        ContractViolation.required("obis", obis);
        ContractViolation.required("captureTime", captureTime);
        ContractViolation.required("value", value);
        if (kind == Kind.REGISTER) {
            ContractViolation.required("unit", unit);
            if (profile != null) {
                throw new ContractViolation("profile", "a register reading belongs to no profile");
            }
        } else {
            ContractViolation.required("profile", profile);
        }
        ContractViolation.required("source", source);
        String expected = dedupKey(kind, meterId, profile, obis, captureTime);
        if (dedupKey == null) {
            dedupKey = expected;
        } else if (!dedupKey.equals(expected)) {
            throw new ContractViolation("dedupKey", "'" + dedupKey + "' is not " + expected);
        }
    }

    /**
     * The key a consumer deduplicates on. A register reading: {@code <meterId>/<obis>/<captureTime>}. An interval:
     * {@code <meterId>/<profile>/<channel>/<captureTime>} (the profile is part of it: a channel may be captured by two
     * profiles, and a register read at a capture time must not hide the interval of that time).
     */
    public static String dedupKey(Kind kind, String meterId, String profile, String obis, Instant captureTime) {
        return kind == Kind.INTERVAL ? meterId + "/" + profile + "/" + obis + "/" + captureTime
                : meterId + "/" + obis + "/" + captureTime;
    }
}
