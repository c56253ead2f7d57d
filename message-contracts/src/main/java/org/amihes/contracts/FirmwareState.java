package org.amihes.contracts;

/**
 * The outcome of {@link ReadFirmware}: what the meter reported.
 *
 * @param installed         the active firmware identifier (1.0.0.2.0.255, as ASCII)
 * @param logicalDeviceName 0.0.42.0.0.255 as ASCII (starts with the manufacturer's 3-letter FLAG id), null if absent
 * @param blockSize         image_block_size, the size of every image block but the last
 * @param transferStatus    image_transfer_status (0 not initiated, 1 initiated, 2 verification initiated,
 *                          3 verification successful, 4 verification failed, 5 activation initiated,
 *                          6 activation successful, 7 activation failed)
 * @param firstNotTransferred image_first_not_transferred_block_number
 */
public record FirmwareState(String installed, String logicalDeviceName, int blockSize, int transferStatus,
                            long firstNotTransferred) implements CommandOutcome {
}
