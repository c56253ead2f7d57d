package org.amihes.simulator;

import gurux.dlms.enums.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One meter's bootloader (IEC 62056-6-2 image transfer, class 18), shared by all its connections. Keeps which
 * blocks arrived, not their bytes (a fleet of 100,000 meters must not hold 100,000 images), and counts every block
 * it writes to flash. It refuses to start a transfer of, or to activate, the image that is already installed, so a
 * head-end that repeats a campaign costs no flash wear.
 */
final class ImageTransferState {

    static final int NOT_INITIATED = 0;
    static final int TRANSFER_INITIATED = 1;
    static final int VERIFICATION_SUCCESSFUL = 3;
    static final int VERIFICATION_FAILED = 4;
    static final int ACTIVATION_SUCCESSFUL = 6;
    static final int ACTIVATION_FAILED = 7;

    /** Larger images are refused at initiation. */
    static final long MAX_IMAGE_SIZE = 16L << 20;

    private final int blockSize;
    private byte[] installed;
    private byte[] staged;
    private long stagedSize;
    private int blockCount;
    private BitSet received = new BitSet();
    private int status = NOT_INITIATED;
    private long flashWrites;
    private long activations;

    ImageTransferState(String installedIdentifier, int blockSize) {
        this.installed = installedIdentifier.getBytes(StandardCharsets.US_ASCII);
        this.blockSize = blockSize;
    }

    /** image_transfer_initiate: a new image restarts the transfer, the image in progress resumes it. */
    synchronized ErrorCode initiate(byte[] identifier, long size) {
        if (Arrays.equals(identifier, installed) || size <= 0 || size > MAX_IMAGE_SIZE) {
            return ErrorCode.OTHER_REASON;
        }
        if (!(Arrays.equals(identifier, staged) && size == stagedSize)) {
            staged = identifier.clone();
            stagedSize = size;
            blockCount = (int) ((size + blockSize - 1) / blockSize);
            received = new BitSet(blockCount);
        }
        status = TRANSFER_INITIATED;
        return ErrorCode.OK;
    }

    /** image_block_transfer: every accepted block is one flash write, a block sent again included. */
    synchronized ErrorCode block(long number, byte[] data) {
        if (staged == null || status == ACTIVATION_SUCCESSFUL || number < 0 || number >= blockCount
                || data.length != expectedLength((int) number)) {
            return ErrorCode.OTHER_REASON;
        }
        received.set((int) number);
        flashWrites++;
        status = TRANSFER_INITIATED;
        return ErrorCode.OK;
    }

    /** image_verify: succeeds once every block arrived. */
    synchronized ErrorCode verify() {
        if (staged == null || status == ACTIVATION_SUCCESSFUL) {
            return ErrorCode.OTHER_REASON;
        }
        status = complete() ? VERIFICATION_SUCCESSFUL : VERIFICATION_FAILED;
        return status == VERIFICATION_SUCCESSFUL ? ErrorCode.OK : ErrorCode.OTHER_REASON;
    }

    /** image_activate: verifies first if needed; never activates the installed image again. */
    synchronized ErrorCode activate() {
        if (staged == null || status == ACTIVATION_SUCCESSFUL || Arrays.equals(staged, installed)) {
            return ErrorCode.OTHER_REASON;
        }
        if (!complete()) {
            status = ACTIVATION_FAILED;
            return ErrorCode.OTHER_REASON;
        }
        installed = staged;
        activations++;
        status = ACTIVATION_SUCCESSFUL;
        return ErrorCode.OK;
    }

    synchronized byte[] installed() {
        return installed.clone();
    }

    synchronized String installedVersion() {
        return new String(installed, StandardCharsets.US_ASCII);
    }

    int blockSize() {
        return blockSize;
    }

    synchronized int status() {
        return status;
    }

    synchronized long flashWrites() {
        return flashWrites;
    }

    synchronized long activations() {
        return activations;
    }

    /** image_transferred_blocks_status as a Gurux bit string ("1101..."). */
    synchronized String transferredBlocks() {
        StringBuilder bits = new StringBuilder(blockCount);
        for (int i = 0; i < blockCount; i++) {
            bits.append(received.get(i) ? '1' : '0');
        }
        return bits.toString();
    }

    synchronized long firstNotTransferredBlock() {
        return staged == null ? 0 : received.nextClearBit(0);
    }

    /** The image ready to activate (attribute 7), null when none is verified. */
    synchronized StagedImage verifiedImage() {
        return status == VERIFICATION_SUCCESSFUL ? new StagedImage(staged.clone(), stagedSize) : null;
    }

    record StagedImage(byte[] identifier, long size) {
    }

    private boolean complete() {
        return blockCount > 0 && received.nextClearBit(0) >= blockCount;
    }

    private int expectedLength(int number) {
        return number < blockCount - 1 ? blockSize : (int) (stagedSize - (long) (blockCount - 1) * blockSize);
    }
}
