package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Key rotation, step 1: security setup (class 64) method 2, {@code key_transfer}, installs new global keys. The keys
 * travel wrapped under the meter's master key (KEK, AES key wrap RFC 3394) as security-service made them: only the
 * meter can unwrap them, so neither the broker nor association-service sees them in the clear.
 *
 * @param version the key version being installed (PENDING in security-service)
 * @param keys    the wrapped keys
 */
public record TransferKeys(int version, List<WrappedKey> keys) implements MeterCommand {

    public static final String TYPE = "key-transfer";

    /**
     * @param keyType {@code UNICAST_ENCRYPTION} (0), {@code BROADCAST_ENCRYPTION} (1), {@code AUTHENTICATION} (2) or
     *                {@code MASTER_KEY} (3): the global_key_type of the Blue Book
     * @param wrapped base64 of the key wrapped under the meter's KEK
     */
    public record WrappedKey(String keyType, String wrapped) {
        public WrappedKey {
            ContractViolation.required("keyType", keyType);
            ContractViolation.required("wrapped", wrapped);
        }

        @Override
        public String toString() {
            return "WrappedKey[" + keyType + "]";
        }
    }

    public TransferKeys {
        if (version < 2) {
            throw new ContractViolation("version", "a transferred key is version 2 or later, not " + version);
        }
        if (keys == null || keys.isEmpty()) {
            throw new ContractViolation("keys", "missing or empty");
        }
        keys = List.copyOf(keys);
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
