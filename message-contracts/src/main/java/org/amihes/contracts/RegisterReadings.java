package org.amihes.contracts;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of {@link ReadRegisters}: the values and the meter's clock, read in the same association.
 *
 * @param meterTime the meter's clock (0.0.1.0.0.255)
 */
public record RegisterReadings(Instant meterTime, List<RegisterValue> values) implements CommandOutcome {

    public RegisterReadings {
        ContractViolation.required("meterTime", meterTime);
        values = values == null ? List.of() : List.copyOf(values);
    }
}
