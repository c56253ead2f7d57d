package org.amihes.firmware.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.amihes.contracts.FirmwareState;
import org.amihes.contracts.ImageBlocks;
import org.amihes.contracts.ImageStatus;
import org.amihes.contracts.MeterFailure;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ReadFirmware;
import org.amihes.firmware.domain.ImageMetadata;
import org.junit.jupiter.api.Test;

/** The per-meter state machine, without I/O: each result moves one meter one step, or repeats or ends it. */
class StepsTest {

    static final UUID CAMPAIGN = UUID.randomUUID();
    /** 10,000 bytes in blocks of 512: 20 blocks, the last of 272 bytes. */
    static final ImageMetadata IMAGE = new ImageMetadata(UUID.randomUUID(), "AUR-AX1-2.5.0", "AUR-AX1-2.5.0", 10_000,
            "00", Instant.EPOCH, "AUR", "aurora-ax1");
    static final MeterJob JOB = new MeterJob("j", "b", "M1", Instant.EPOCH, new ReadFirmware());

    static MeterRow row(MeterState state, int attempt, long nextBlock) {
        return new MeterRow(CAMPAIGN, "M1", state, "j", attempt, state == MeterState.READING ? null : 512,
                state == MeterState.READING ? null : 20L, nextBlock, nextBlock, "AUR-AX1-2.4.1", null, null, null, null);
    }

    static MeterJobResult ok(org.amihes.contracts.CommandOutcome outcome) {
        return MeterJobResult.ok(JOB, "test", outcome);
    }

    @Test
    void theHappyPathGoesThroughEveryStep() {
        Steps.Transition t = Steps.onResult(row(MeterState.READING, 1, 0), IMAGE, false,
                ok(new FirmwareState("AUR-AX1-2.4.1", "AUR12345678", 512, 0, 0)), 3);
        assertThat(t.row().state()).isEqualTo(MeterState.TRANSFERRING);
        assertThat(t.row().totalBlocks()).isEqualTo(20);
        assertThat(t.row().nextBlock()).isZero();
        assertThat(Steps.jobId(CAMPAIGN, t.row())).isEqualTo("fw/" + CAMPAIGN + "/M1/chunk-0/1");

        t = Steps.onResult(t.row().withJob("j"), IMAGE, false, ok(new ImageBlocks(0, 8, 8, 8, 20, 8, 1000)), 3);
        assertThat(t.row().state()).isEqualTo(MeterState.TRANSFERRING);
        assertThat(t.row().nextBlock()).isEqualTo(8);
        assertThat(t.row().blocksDone()).isEqualTo(8);
        assertThat(t.row().percent()).isEqualTo(40.0);

        t = Steps.onResult(t.row(), IMAGE, false, ok(new ImageBlocks(8, 12, 12, 20, 20, 20, 1000)), 3);
        assertThat(t.row().state()).isEqualTo(MeterState.VERIFYING);
        t = Steps.onResult(t.row(), IMAGE, false, ok(new ImageStatus(3)), 3);
        assertThat(t.row().state()).isEqualTo(MeterState.ACTIVATING);
        t = Steps.onResult(t.row(), IMAGE, false, ok(new ImageStatus(6)), 3);
        assertThat(t.row().state()).isEqualTo(MeterState.CONFIRMING);
        t = Steps.onResult(t.row(), IMAGE, false, ok(new FirmwareState("AUR-AX1-2.5.0", "AUR1", 512, 6, 20)), 3);
        assertThat(t.row().state()).isEqualTo(MeterState.DONE);
        assertThat(t.row().installedAfter()).isEqualTo("AUR-AX1-2.5.0");
        assertThat(t.event()).isEqualTo("CONFIRMED");
    }

    @Test
    void aMeterOnTheImageIsSkippedInACampaignButAskedInAOneShot() {
        FirmwareState on = new FirmwareState("AUR-AX1-2.5.0", "AUR1", 512, 6, 20);
        assertThat(Steps.onResult(row(MeterState.READING, 1, 0), IMAGE, false, ok(on), 3).row().state())
                .isEqualTo(MeterState.SKIPPED);
        MeterRow asked = Steps.onResult(row(MeterState.READING, 1, 0), IMAGE, true, ok(on), 3).row();
        assertThat(asked.state()).isEqualTo(MeterState.TRANSFERRING);
        // the bootloader refuses the initiate: REFUSED, FW-003
        MeterRow refused = Steps.onResult(asked, IMAGE, true, MeterJobResult.failed(JOB, "test", new MeterFailure(
                "VENDOR", "DLMS-204", "DLMS-204: Refused by the meter (OTHER_REASON)", List.of())), 3).row();
        assertThat(refused.state()).isEqualTo(MeterState.REFUSED);
        assertThat(refused.failureCode()).isEqualTo(Steps.ALREADY_INSTALLED);
        assertThat(refused.message()).contains("bootloader refused").contains("nothing was written");
    }

    @Test
    void anotherVendorIsRefusedBeforeAnyByte() {
        MeterRow r = Steps.onResult(row(MeterState.READING, 1, 0), IMAGE, false,
                ok(new FirmwareState("CRV-C3-3.0.2", "CRV00001", 128, 0, 0)), 3).row();
        assertThat(r.state()).isEqualTo(MeterState.REFUSED);
        assertThat(r.failureCode()).isEqualTo(Steps.VENDOR_MISMATCH);
        assertThat(r.jobId()).isNull();
    }

    @Test
    void aNetworkFailureRepeatsTheStepAndOthersEndIt() {
        MeterFailure network = new MeterFailure("NETWORK", "DLMS-103", "DLMS-103: closed", List.of());
        MeterRow r = row(MeterState.TRANSFERRING, 1, 8);
        for (int attempt = 2; attempt <= 3; attempt++) {
            r = Steps.onResult(r, IMAGE, false, MeterJobResult.failed(JOB, "t", network), 3).row();
            assertThat(r.state()).isEqualTo(MeterState.TRANSFERRING);
            assertThat(r.attempt()).isEqualTo(attempt);
            assertThat(r.nextBlock()).as("the same chunk: the meter's record says which blocks it lacks").isEqualTo(8);
            assertThat(Steps.jobId(CAMPAIGN, r)).endsWith("/chunk-8/" + attempt);
        }
        r = Steps.onResult(r, IMAGE, false, MeterJobResult.failed(JOB, "t", network), 3).row();
        assertThat(r.state()).isEqualTo(MeterState.FAILED);
        assertThat(r.failureCode()).isEqualTo("DLMS-103");
        MeterRow security = Steps.onResult(row(MeterState.VERIFYING, 1, 20), IMAGE, false, MeterJobResult.failed(JOB,
                "t", new MeterFailure("SECURITY", "DLMS-403", "denied", List.of())), 3).row();
        assertThat(security.state()).isEqualTo(MeterState.FAILED);
        assertThat(security.failureClass()).isEqualTo("SECURITY");
    }

    @Test
    void aChunkWithoutProgressIsRepeatedThenFailed() {
        MeterRow r = row(MeterState.TRANSFERRING, 1, 8);
        r = Steps.onResult(r, IMAGE, false, ok(new ImageBlocks(8, 8, 8, 8, 20, 8, 1000)), 2).row();
        assertThat(r.state()).isEqualTo(MeterState.TRANSFERRING);
        assertThat(r.attempt()).isEqualTo(2);
        r = Steps.onResult(r, IMAGE, false, ok(new ImageBlocks(8, 8, 8, 8, 20, 8, 1000)), 2).row();
        assertThat(r.state()).isEqualTo(MeterState.FAILED);
        assertThat(r.failureCode()).isEqualTo(Steps.NO_PROGRESS);
    }

    @Test
    void aChunkIsWholeBlocksOfTheMeter() {
        assertThat(Steps.chunkBlocks(512, 65_536)).isEqualTo(128);
        assertThat(Steps.chunkBlocks(128, 4096)).isEqualTo(32);
        assertThat(Steps.chunkBlocks(100, 4096)).isEqualTo(40);
        assertThat(Steps.chunkBlocks(8192, 4096)).isEqualTo(1);
    }

    @Test
    void theMaintenanceWindowMayCrossMidnight() {
        Campaign night = new Campaign(CAMPAIGN, IMAGE.id(), "RUNNING", false, 1, 1, java.time.LocalTime.of(22, 0),
                java.time.LocalTime.of(4, 0), null, Instant.EPOCH, null);
        assertThat(night.inWindow(java.time.LocalTime.of(23, 0))).isTrue();
        assertThat(night.inWindow(java.time.LocalTime.of(3, 59))).isTrue();
        assertThat(night.inWindow(java.time.LocalTime.of(12, 0))).isFalse();
    }
}
