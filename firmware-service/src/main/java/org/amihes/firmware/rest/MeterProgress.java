package org.amihes.firmware.rest;

import org.amihes.firmware.campaign.MeterRow;

/** One meter of a campaign: its state, blocks on the meter of the image's blocks, and its failure if any. */
public record MeterProgress(String meterId, String state, int attempt, Integer blockSize, Long totalBlocks,
                            long blocksDone, Double percent, String installedBefore, String installedAfter,
                            String failureClass, String failureCode, String message) {

    static MeterProgress of(MeterRow r) {
        return new MeterProgress(r.meterId(), r.state().name(), r.attempt(), r.blockSize(), r.totalBlocks(),
                r.state().name().equals("DONE") && r.totalBlocks() != null ? r.totalBlocks() : r.blocksDone(),
                r.percent(), r.installedBefore(), r.installedAfter(), r.failureClass(), r.failureCode(), r.message());
    }
}
