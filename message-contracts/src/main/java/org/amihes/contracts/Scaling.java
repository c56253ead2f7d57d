package org.amihes.contracts;

import java.math.BigDecimal;

/**
 * The one place a physical value is computed from what a meter sends: {@code raw × 10^scaler} (scaler_unit,
 * IEC 62056-6-2). Registers ({@link RegisterValue}) and profile channels ({@link ProfileChannel}) both go through here.
 */
public final class Scaling {

    private Scaling() {
    }

    /** {@code raw × 10^scaler}, exact (no rounding); null for a null raw (a cell the meter left empty). */
    public static BigDecimal value(BigDecimal raw, int scaler) {
        return raw == null ? null : raw.scaleByPowerOfTen(scaler);
    }
}
