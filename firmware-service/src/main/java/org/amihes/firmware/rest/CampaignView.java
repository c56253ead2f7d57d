package org.amihes.firmware.rest;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.amihes.firmware.campaign.Campaign;
import org.amihes.firmware.campaign.CampaignStore;

/**
 * A campaign with its progress: meters by state, {@code finished} (DONE, SKIPPED, REFUSED, FAILED, CANCELLED) of
 * {@code meters}, blocks the meters report transferred against the blocks of every meter whose block size is known,
 * {@code wireBytes} of the image-transfer sessions (associations included), and {@code percent} of the meters finished. {@code done}: nothing is pending or in flight any more.
 */
public record CampaignView(UUID id, UUID imageId, String state, boolean oneShot, int concurrency, int batchSize,
                           String windowStart, String windowEnd, String createdBy, Instant createdAt,
                           Instant finishedAt, long meters, long finished, Map<String, Long> byState, long blocksDone,
                           long blocksTotal, long wireBytes, double percent, boolean done) {

    static CampaignView of(Campaign c, CampaignStore.Progress p) {
        double percent = p.total() == 0 ? 100 : Math.floor(1000.0 * p.finished() / p.total()) / 10;
        return new CampaignView(c.id(), c.imageId(), c.state(), c.oneShot(), c.concurrency(), c.batchSize(),
                c.windowStart() == null ? null : c.windowStart().toString(),
                c.windowEnd() == null ? null : c.windowEnd().toString(), c.createdBy(), c.createdAt(), c.finishedAt(),
                p.total(), p.finished(), p.meters(), p.blocksDone(), p.blocksTotal(), p.wireBytes(), percent,
                c.finishedAt() != null);
    }
}
