package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Firmware campaign step: image_verify (class 18 method 3), then image_transfer_status read back. Outcome
 * {@link ImageStatus}.
 *
 * @param identifier the image being verified, for the audit log
 */
public record VerifyImage(String identifier) implements MeterCommand {

    public static final String TYPE = "image-verify";

    public VerifyImage {
        ContractViolation.required("identifier", identifier);
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
