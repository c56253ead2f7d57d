package org.amihes.polling.domain;

import java.math.BigDecimal;
import java.time.Instant;

/** A stored register value. {@code value = raw × 10^scaler}, in {@code unit}. */
public record Reading(String meterId, String obis, Instant meterTime, BigDecimal value, BigDecimal raw, int scaler,
                      String unit, String jobId, Instant receivedAt) {
}
