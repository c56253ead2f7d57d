package org.amihes.firmware.campaign;

import java.util.UUID;
import org.amihes.contracts.ActivateImage;
import org.amihes.contracts.FirmwareState;
import org.amihes.contracts.ImageBlocks;
import org.amihes.contracts.ImageStatus;
import org.amihes.contracts.MeterCommand;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ReadFirmware;
import org.amihes.contracts.VerifyImage;
import org.amihes.firmware.domain.ImageMetadata;

/**
 * A campaign meter's state machine, without I/O: READING (installed version, vendor, block size) → TRANSFERRING
 * (chunk after chunk, each from the block the meter reported first-not-transferred) → VERIFYING → ACTIVATING →
 * CONFIRMING (the new version read back) → DONE; SKIPPED when the meter runs the image already (a one-shot push goes on
 * and lets the bootloader refuse: REFUSED, nothing written); REFUSED when the meter is of another vendor (before any
 * byte); FAILED with the classified failure otherwise. A NETWORK failure repeats the step, up to the attempts allowed.
 */
public final class Steps {

    /** Codes of the failures firmware-service itself finds (the meter's own keep their DLMS codes). */
    public static final String VENDOR_MISMATCH = "FW-001";
    public static final String NOT_CONFIRMED = "FW-002";
    public static final String ALREADY_INSTALLED = "FW-003";
    public static final String NO_PROGRESS = "FW-004";
    public static final String VERIFY_FAILED = "FW-005";
    public static final String ACTIVATION_FAILED = "FW-006";
    public static final String NOT_IN_REGISTRY = "FW-007";

    static final int VERIFICATION_SUCCESSFUL = 3;
    static final int ACTIVATION_SUCCESSFUL = 6;

    private Steps() {
    }

    /** The row after a result, with the event to audit. */
    public record Transition(MeterRow row, String event, String detail, long wireBytes) {
        public Transition(MeterRow row, String event, String detail) {
            this(row, event, detail, 0);
        }
    }

    /** The job id of the row's current step: the same row and attempt always give the same id. */
    public static String jobId(UUID campaign, MeterRow row) {
        return "fw/" + campaign + "/" + row.meterId() + "/" + step(row) + "/" + row.attempt();
    }

    static String step(MeterRow row) {
        return switch (row.state()) {
            case READING -> "read";
            case TRANSFERRING -> "chunk-" + row.nextBlock();
            case VERIFYING -> "verify";
            case ACTIVATING -> "activate";
            case CONFIRMING -> "confirm";
            default -> throw new IllegalStateException(row.state() + " has no step");
        };
    }

    /** The command of every step but TRANSFERRING (whose chunk needs the image's bytes). */
    static MeterCommand command(MeterRow row, ImageMetadata image) {
        return switch (row.state()) {
            case READING, CONFIRMING -> new ReadFirmware();
            case VERIFYING -> new VerifyImage(image.identifier());
            case ACTIVATING -> new ActivateImage(image.identifier());
            default -> throw new IllegalStateException(row.state() + " needs the image's bytes");
        };
    }

    /** Blocks per chunk for a meter's block size: whole blocks within {@code chunkBytes}, at least one. */
    static int chunkBlocks(int blockSize, int chunkBytes) {
        return Math.max(1, chunkBytes / blockSize);
    }

    public static Transition onResult(MeterRow row, ImageMetadata image, boolean oneShot, MeterJobResult r,
                                      int maxAttempts) {
        if (r.status() == MeterJobResult.Status.FAILED) {
            return onFailure(row, image, r.failure(), maxAttempts);
        }
        return switch (row.state()) {
            case READING -> onRead(row, image, oneShot, (FirmwareState) r.outcome());
            case TRANSFERRING -> onBlocks(row, (ImageBlocks) r.outcome(), maxAttempts);
            case VERIFYING -> ((ImageStatus) r.outcome()).transferStatus() == VERIFICATION_SUCCESSFUL
                    ? new Transition(row.with(MeterState.ACTIVATING, 1), "VERIFIED", "image_verify successful")
                    : fail(row, "VENDOR", VERIFY_FAILED, "image_transfer_status after image_verify is "
                    + ((ImageStatus) r.outcome()).transferStatus() + ", not 3 (verification successful)");
            case ACTIVATING -> ((ImageStatus) r.outcome()).transferStatus() == ACTIVATION_SUCCESSFUL
                    ? new Transition(row.with(MeterState.CONFIRMING, 1), "ACTIVATED", "image_activate successful")
                    : fail(row, "VENDOR", ACTIVATION_FAILED, "image_transfer_status after image_activate is "
                    + ((ImageStatus) r.outcome()).transferStatus() + ", not 6 (activation successful)");
            case CONFIRMING -> onConfirm(row, image, (FirmwareState) r.outcome());
            default -> throw new IllegalStateException("a result for a meter in state " + row.state());
        };
    }

    private static Transition onRead(MeterRow row, ImageMetadata image, boolean oneShot, FirmwareState fs) {
        String ldn = fs.logicalDeviceName();
        if (ldn != null && !ldn.startsWith(image.vendor())) {
            return new Transition(row.failed(MeterState.REFUSED, "CONFIGURATION", VENDOR_MISMATCH, VENDOR_MISMATCH
                    + ": vendor mismatch: the meter's logical device name '" + ldn + "' is not of vendor '"
                    + image.vendor() + "' the image is for; no byte was sent"), "REFUSED", "logical device name " + ldn);
        }
        long total = (image.size() + fs.blockSize() - 1) / fs.blockSize();
        MeterRow read = new MeterRow(row.campaignId(), row.meterId(), MeterState.TRANSFERRING, null, 1, fs.blockSize(),
                total, 0, 0, fs.installed(), null, null, null, null);
        if (fs.installed().equals(image.identifier()) && !oneShot) {
            return new Transition(read.failed(MeterState.SKIPPED, null, null, "the meter runs '" + fs.installed()
                    + "' already"), "SKIPPED", "installed " + fs.installed());
        }
        return new Transition(read, "READ", "installed " + fs.installed() + ", image_block_size " + fs.blockSize()
                + ", " + total + " blocks");
    }

    private static Transition onBlocks(MeterRow row, ImageBlocks ib, int maxAttempts) {
        long total = row.totalBlocks();
        MeterRow next = new MeterRow(row.campaignId(), row.meterId(), MeterState.TRANSFERRING, null, 1, row.blockSize(),
                total, ib.transferred(), ib.firstNotTransferred(), row.installedBefore(), null, null, null, null);
        String detail = "blocks " + ib.firstBlock() + "+" + ib.chunkBlocks() + ": " + ib.sent() + " sent, "
                + ib.transferred() + "/" + total + " on the meter";
        if (ib.firstNotTransferred() >= total) {
            return new Transition(next.with(MeterState.VERIFYING, 1), "TRANSFERRED", detail, ib.wireBytes());
        }
        if (ib.firstNotTransferred() <= row.nextBlock()) { // no progress: the meter keeps refusing or losing blocks
            if (row.attempt() >= maxAttempts) {
                return fail(row, "VENDOR", NO_PROGRESS, NO_PROGRESS + ": the meter's first not transferred block stays "
                        + ib.firstNotTransferred() + " after " + row.attempt() + " attempts");
            }
            return new Transition(next.with(MeterState.TRANSFERRING, row.attempt() + 1), "CHUNK_AGAIN", detail,
                    ib.wireBytes());
        }
        return new Transition(next, "CHUNK", detail, ib.wireBytes());
    }

    private static Transition onConfirm(MeterRow row, ImageMetadata image, FirmwareState fs) {
        MeterRow confirmed = new MeterRow(row.campaignId(), row.meterId(), MeterState.DONE, null, row.attempt(),
                row.blockSize(), row.totalBlocks(), row.totalBlocks(), row.totalBlocks(), row.installedBefore(),
                fs.installed(), null, null, null);
        if (fs.installed().equals(image.identifier())) {
            return new Transition(confirmed, "CONFIRMED", "the meter reports " + fs.installed());
        }
        return fail(confirmed, "VENDOR", NOT_CONFIRMED, NOT_CONFIRMED + ": after activation the meter reports '"
                + fs.installed() + "', not '" + image.identifier() + "'");
    }

    private static Transition onFailure(MeterRow row, ImageMetadata image, MeterFailure f, int maxAttempts) {
        if (row.state() == MeterState.TRANSFERRING && "DLMS-204".equals(f.code())
                && image.identifier().equals(row.installedBefore())) {
            return new Transition(row.failed(MeterState.REFUSED, "VENDOR", ALREADY_INSTALLED, ALREADY_INSTALLED
                    + ": the meter's bootloader refused image '" + image.identifier() + "': it is the installed "
                    + "version; nothing was written (" + f.message() + ")"), "REFUSED_BY_BOOTLOADER", f.code());
        }
        if ("NETWORK".equals(f.failureClass()) && row.attempt() < maxAttempts) {
            return new Transition(row.with(row.state(), row.attempt() + 1), "RETRY",
                    f.code() + " at " + row.state() + " (attempt " + row.attempt() + " of " + maxAttempts + "): "
                            + f.message());
        }
        return fail(row, f.failureClass(), f.code(), f.message());
    }

    private static Transition fail(MeterRow row, String failureClass, String code, String message) {
        return new Transition(row.failed(MeterState.FAILED, failureClass, code, message), "FAILED", message);
    }
}
