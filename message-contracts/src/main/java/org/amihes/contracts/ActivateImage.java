package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Firmware campaign step: image_activate (class 18 method 4), then image_transfer_status read back. The meter
 * refuses to activate the image it has installed. Outcome {@link ImageStatus}.
 *
 * @param identifier the image being activated, for the audit log
 */
public record ActivateImage(String identifier) implements MeterCommand {

    public static final String TYPE = "image-activate";

    public ActivateImage {
        ContractViolation.required("identifier", identifier);
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
