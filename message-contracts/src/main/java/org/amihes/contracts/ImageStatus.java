package org.amihes.contracts;

/**
 * The outcome of {@link VerifyImage} and {@link ActivateImage}: image_transfer_status read after the method.
 *
 * @param transferStatus 3 verification successful, 6 activation successful (see {@link FirmwareState})
 */
public record ImageStatus(int transferStatus) implements CommandOutcome {
}
