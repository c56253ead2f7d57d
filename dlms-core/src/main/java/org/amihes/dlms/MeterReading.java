package org.amihes.dlms;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What one association read: the meter's clock and its registers.
 *
 * @param nextInvocationCounter for a ciphered association, the counter to use next with this key (persist it);
 *                              null otherwise
 * @param warnings              VENDOR deviations tolerated while reading, each starting with its code
 */
public record MeterReading(Instant meterTime, List<Register> registers, Long nextInvocationCounter,
                           List<String> warnings) {

    public MeterReading {
        registers = List.copyOf(registers);
        warnings = List.copyOf(warnings);
    }

    public MeterReading(Instant meterTime, List<Register> registers) {
        this(meterTime, registers, null, List.of());
    }

    MeterReading withInvocationCounter(Long next) {
        return new MeterReading(meterTime, registers, next, warnings);
    }

    MeterReading withWarnings(List<String> more) {
        List<String> all = new java.util.ArrayList<>(warnings);
        all.addAll(more);
        return new MeterReading(meterTime, registers, nextInvocationCounter, all);
    }

    /**
     * @param raw    attribute 2 as sent
     * @param scaler attribute 3, power of ten
     * @param unit   attribute 3, the unit as the standard names it ({@link DlmsUnits}, e.g. Wh)
     */
    public record Register(String obis, BigDecimal raw, int scaler, String unit) {

        public BigDecimal value() {
            return raw.scaleByPowerOfTen(scaler);
        }
    }
}
