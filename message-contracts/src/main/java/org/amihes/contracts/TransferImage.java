package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Base64;

/**
 * Firmware campaign step: one chunk of an image through image transfer (class 18, 0.0.44.0.0.255). The handler calls
 * image_transfer_initiate (identifier, size): the meter resumes the image it already stages and refuses the image it
 * has installed. It then reads image_transferred_blocks_status and sends, by image_block_transfer, only the blocks of
 * this chunk the meter does not have yet: a chunk sent again (a redelivered job, a retry after a dropped connection,
 * a restarted campaign) writes only what is missing. The chunk's blocks are cut with the meter's image_block_size as
 * {@link ReadFirmware} read it; a meter reporting another block size fails the command before any block is sent.
 * A chunk carries at most {@link #MAX_CHUNK_BYTES}, so a job message stays small whatever the image's size.
 *
 * @param identifier the image_identifier the meter is given (the image's version as the meter will report it)
 * @param imageSize  the whole image's size in bytes
 * @param blockSize  the meter's image_block_size
 * @param firstBlock the number of the chunk's first block (0-based)
 * @param data       base64 of the chunk: blocks {@code firstBlock..}, each {@code blockSize} bytes but the image's last
 */
public record TransferImage(String identifier, long imageSize, int blockSize, long firstBlock, String data)
        implements MeterCommand {

    public static final String TYPE = "image-transfer";
    public static final int MAX_CHUNK_BYTES = 256 * 1024;

    public TransferImage {
        ContractViolation.required("identifier", identifier);
        ContractViolation.required("data", data);
        if (imageSize <= 0) {
            throw new ContractViolation("imageSize", "must be positive, not " + imageSize);
        }
        if (blockSize <= 0) {
            throw new ContractViolation("blockSize", "must be positive, not " + blockSize);
        }
        long blocks = (imageSize + blockSize - 1) / blockSize;
        if (firstBlock < 0 || firstBlock >= blocks) {
            throw new ContractViolation("firstBlock", "must be within 0.." + (blocks - 1) + ", not " + firstBlock);
        }
        int length;
        try {
            length = Base64.getDecoder().decode(data).length;
        } catch (IllegalArgumentException e) {
            throw new ContractViolation("data", "not base64: " + e.getMessage());
        }
        if (length == 0 || length > MAX_CHUNK_BYTES) {
            throw new ContractViolation("data", "a chunk has 1.." + MAX_CHUNK_BYTES + " bytes, not " + length);
        }
        long offset = firstBlock * blockSize;
        boolean last = offset + length == imageSize;
        if (offset + length > imageSize || !last && length % blockSize != 0) {
            throw new ContractViolation("data", length + " bytes from block " + firstBlock + " are not whole blocks of "
                    + blockSize + " within an image of " + imageSize + " bytes");
        }
    }

    /** How many blocks the whole image has. */
    public long totalBlocks() {
        return (imageSize + blockSize - 1) / blockSize;
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }

    @Override
    public String toString() {
        return "TransferImage[" + identifier + ", size " + imageSize + ", blocks of " + blockSize + " from " + firstBlock
                + ", " + data.length() + " base64 chars]";
    }
}
