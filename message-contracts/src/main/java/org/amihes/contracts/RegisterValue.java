package org.amihes.contracts;

import java.math.BigDecimal;

/**
 * One register as the meter reported it.
 *
 * @param raw    attribute 2 (value) as sent by the meter
 * @param scaler attribute 3, power of ten applied to {@code raw}
 * @param unit   attribute 3, the unit as the DLMS standard names it (e.g. {@code Wh}, {@code W}, {@code V})
 * @param value  {@link Scaling#value}: {@code raw × 10^scaler}, the physical quantity in {@code unit}
 */
public record RegisterValue(String obis, BigDecimal raw, int scaler, String unit, BigDecimal value) {

    public static RegisterValue of(String obis, BigDecimal raw, int scaler, String unit) {
        return new RegisterValue(obis, raw, scaler, unit, Scaling.value(raw, scaler));
    }
}
