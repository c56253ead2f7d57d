package org.amihes.dlms;

import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.enums.Unit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Units from IEC 62056-6-1: value group C is the quantity, D = 8 or 9 a time integral (energy). */
class ObisQuantitiesTest {

    @ParameterizedTest
    @CsvSource({
        "1.0.1.8.0.255, ACTIVE_ENERGY",     // active energy import, total
        "1.0.2.8.1.255, ACTIVE_ENERGY",     // active energy export, tariff 1
        "1.0.3.8.0.255, REACTIVE_ENERGY",   // reactive energy import
        "1.0.9.8.0.255, APPARENT_ENERGY",   // apparent energy import
    })
    void energyCodesImplyTheirUnit(String obis, Unit unit) {
        assertThat(ObisQuantities.unitOf(obis)).isEqualTo(unit);
    }

    @ParameterizedTest
    @CsvSource({"1.0.1.7.0.255", "1.0.1.6.0.255", "0.0.1.0.0.255", "7.0.3.8.0.255", "1.0.99.1.0.255"})
    void otherCodesAreNotChecked(String obis) {
        assertThat(ObisQuantities.unitOf(obis)).isNull(); // instantaneous power, maximum demand, clock, gas, profile
    }
}
