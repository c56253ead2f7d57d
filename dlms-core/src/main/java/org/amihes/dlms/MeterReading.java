package org.amihes.dlms;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** What one association read: the meter's clock and its registers. */
public record MeterReading(Instant meterTime, List<Register> registers) {

    public MeterReading {
        registers = List.copyOf(registers);
    }

    /**
     * @param raw    attribute 2 as sent
     * @param scaler attribute 3, power of ten
     * @param unit   attribute 3, DLMS unit name (Gurux {@code Unit} constant, e.g. ACTIVE_ENERGY)
     */
    public record Register(String obis, BigDecimal raw, int scaler, String unit) {

        public BigDecimal value() {
            return raw.scaleByPowerOfTen(scaler);
        }
    }
}
