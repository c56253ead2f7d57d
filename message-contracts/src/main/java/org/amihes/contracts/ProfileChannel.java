package org.amihes.contracts;

import java.math.BigDecimal;

/**
 * One value column of a profile (a capture object that is neither the clock nor a status), with the scaler and unit
 * its object declares (attribute 3 of a register).
 *
 * @param column    index of the column in each interval's {@link ProfileInterval#raw()} list
 * @param classId   COSEM class of the captured object (3 register, 4 extended register, 1 data, ...)
 * @param obis      the captured object's OBIS code
 * @param attribute the captured attribute (2 = value)
 * @param scaler    power of ten applied to the raw values (0 for an object without scaler_unit)
 * @param unit      the unit as the DLMS standard names it (Wh, W, V, ...); null for an object without one
 */
public record ProfileChannel(int column, int classId, String obis, int attribute, int scaler, String unit) {

    public ProfileChannel {
        ContractViolation.required("obis", obis);
    }

    /** The channel's name as stored: the OBIS code, with {@code :attribute} when it is not the value (2). */
    public String name() {
        return attribute == 2 ? obis : obis + ":" + attribute;
    }

    /** {@link Scaling#value}: raw × 10^scaler. */
    public BigDecimal value(BigDecimal raw) {
        return Scaling.value(raw, scaler);
    }
}
