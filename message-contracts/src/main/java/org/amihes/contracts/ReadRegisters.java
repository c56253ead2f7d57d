package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Read registers (class 3) and the clock, in one association.
 *
 * @param registers OBIS codes, e.g. {@code 1.0.1.8.0.255}; empty reads {@link #ACTIVE_ENERGY_IMPORT}
 */
public record ReadRegisters(List<String> registers) implements MeterCommand {

    public static final String TYPE = "read-registers";
    /** The register every read asks for by default: active energy import, total. */
    public static final String ACTIVE_ENERGY_IMPORT = "1.0.1.8.0.255";

    public ReadRegisters {
        registers = registers == null || registers.isEmpty() ? List.of(ACTIVE_ENERGY_IMPORT) : List.copyOf(registers);
        for (int i = 0; i < registers.size(); i++) {
            ContractViolation.required("registers[" + i + "]", registers.get(i));
        }
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
