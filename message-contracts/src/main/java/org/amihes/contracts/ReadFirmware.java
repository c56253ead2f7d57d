package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Firmware campaign step: reads what the meter has installed and how it takes an image, changing nothing: the active
 * firmware identifier (1.0.0.2.0.255), the logical device name (0.0.42.0.0.255, whose first three characters are the
 * manufacturer's FLAG id), and the image transfer object (class 18, 0.0.44.0.0.255): image_block_size,
 * image_transfer_status and image_first_not_transferred_block_number. Its outcome is {@link FirmwareState}. Used both
 * before a transfer (skip a meter already on the target; refuse another vendor before any byte is sent) and after
 * activation (confirm the new version by reading it back).
 */
public record ReadFirmware() implements MeterCommand {

    public static final String TYPE = "firmware-read";

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
