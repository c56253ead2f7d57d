package org.amihes.contracts;

/**
 * The outcome of {@link TransferImage}.
 *
 * @param firstBlock          the chunk's first block
 * @param chunkBlocks         blocks in the chunk
 * @param sent                blocks this command sent (the others the meter had already)
 * @param transferred         blocks of the whole image the meter reports as transferred after the chunk
 * @param totalBlocks         blocks of the whole image
 * @param firstNotTransferred image_first_not_transferred_block_number after the chunk
 * @param wireBytes           bytes sent and received in the chunk's session up to its end (association included,
 *                            release not), as framed on the wire
 */
public record ImageBlocks(long firstBlock, int chunkBlocks, int sent, long transferred, long totalBlocks,
                          long firstNotTransferred, long wireBytes) implements CommandOutcome {
}
