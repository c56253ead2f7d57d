package org.amihes.polling.mdms;

import java.util.Map;

/**
 * The IEC 61968-9 ReadingType (the 18-field CIM code) of an OBIS register, one place. Known: active energy import
 * and export totals (bulk quantity, forward/reverse, electricity, energy, Wh). Any other register is exported with
 * the reference {@code obis:<code>}, so an MDMS can map it itself; nothing is guessed.
 */
final class CimReadingTypes {

    // macroPeriod.aggregate.measuringPeriod.accumulation.flowDirection.commodity.measurementKind.
    // interharmonicNumerator.interharmonicDenominator.argumentNumerator.argumentDenominator.tou.cpp.consumptionTier.
    // phases.multiplier.unit.currency: accumulation 1 = bulkQuantity; flowDirection 1 = forward, 19 = reverse;
    // commodity 1 = electricity secondary metered; measurementKind 12 = energy; unit 72 = Wh
    private static final Map<String, String> BY_OBIS = Map.of(
            "1.0.1.8.0.255", "0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.0.72.0",
            "1.0.2.8.0.255", "0.0.0.1.19.1.12.0.0.0.0.0.0.0.0.0.72.0");

    private CimReadingTypes() {
    }

    // measuringPeriod (TimeAttributeKind) of an interval, by capture period in seconds
    private static final Map<Long, String> MEASURING_PERIOD = Map.of(300L, "6", 600L, "1", 900L, "2", 1800L, "5",
            3600L, "7", 86_400L, "4");

    static String of(String obis) {
        return BY_OBIS.getOrDefault(obis, "obis:" + obis);
    }

    /**
     * An interval channel captured every {@code periodSeconds}: the register's ReadingType with its measuringPeriod
     * (e.g. 1.0.1.8.0.255 every 15 minutes: {@code 0.0.2.1.1.1.12.0.0.0.0.0.0.0.0.0.72.0}); {@code obis:<code>} when
     * the register or the period has no code here.
     */
    static String ofInterval(String obis, Long periodSeconds) {
        String register = BY_OBIS.get(obis);
        String period = periodSeconds == null ? null : MEASURING_PERIOD.get(periodSeconds);
        if (register == null || period == null) {
            return "obis:" + obis;
        }
        String[] fields = register.split("\\.");
        fields[2] = period;
        return String.join(".", fields);
    }
}
