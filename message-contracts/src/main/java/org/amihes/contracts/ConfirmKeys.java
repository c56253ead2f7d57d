package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Key rotation, step 2: a new association with the transferred key version proves the meter uses it (it reads the
 * clock in it). Only then does security-service make the version ACTIVE.
 */
public record ConfirmKeys(int version) implements MeterCommand {

    public static final String TYPE = "key-confirm";

    public ConfirmKeys {
        if (version < 2) {
            throw new ContractViolation("version", "a confirmed key is version 2 or later, not " + version);
        }
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }

    @Override
    @JsonIgnore
    public Integer keyVersion() {
        return version;
    }
}
