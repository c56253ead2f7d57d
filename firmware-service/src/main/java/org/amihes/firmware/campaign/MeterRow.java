package org.amihes.firmware.campaign;

import java.util.UUID;

/**
 * One meter of a campaign: its persisted state machine (see {@link Steps}).
 *
 * @param jobId      the step's job awaiting a result, null when none is out (paused, or not started)
 * @param attempt    the attempt at the current step (its job id carries it)
 * @param nextBlock  the first block of the next chunk to send
 * @param blocksDone blocks of the image the meter reported transferred
 */
public record MeterRow(UUID campaignId, String meterId, MeterState state, String jobId, int attempt, Integer blockSize,
                       Long totalBlocks, long blocksDone, long nextBlock, String installedBefore,
                       String installedAfter, String failureClass, String failureCode, String message) {

    MeterRow with(MeterState s, int attempt) {
        return new MeterRow(campaignId, meterId, s, jobId, attempt, blockSize, totalBlocks, blocksDone, nextBlock,
                installedBefore, installedAfter, failureClass, failureCode, message);
    }

    MeterRow failed(MeterState s, String failureClass, String failureCode, String message) {
        return new MeterRow(campaignId, meterId, s, null, attempt, blockSize, totalBlocks, blocksDone, nextBlock,
                installedBefore, installedAfter, failureClass, failureCode, message);
    }

    MeterRow withJob(String job) {
        return new MeterRow(campaignId, meterId, state, job, attempt, blockSize, totalBlocks, blocksDone, nextBlock,
                installedBefore, installedAfter, failureClass, failureCode, message);
    }

    /** Percent of the image's blocks on the meter, null before its block size is known. */
    public Double percent() {
        if (state == MeterState.DONE) {
            return 100.0;
        }
        return totalBlocks == null || totalBlocks == 0 ? null : Math.floor(1000.0 * blocksDone / totalBlocks) / 10;
    }
}
