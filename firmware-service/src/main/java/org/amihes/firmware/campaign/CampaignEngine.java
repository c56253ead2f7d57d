package org.amihes.firmware.campaign;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.amihes.contracts.MeterCommand;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.TransferImage;
import org.amihes.firmware.FirmwareConfig;
import org.amihes.firmware.domain.ImageMetadata;
import org.jboss.logging.Logger;

/**
 * Runs the campaigns: every tick, on its own thread (JDBC, never an event loop), starts meters up to each running
 * campaign's concurrency bound (batch by batch, inside its maintenance window), sends held jobs (paused, or a publish
 * that failed) and stale ones (no result after {@code hes.firmware.stale-after}; after a restart, every in-flight
 * job at once: a job sent again has the same id, so association-service answers it from its journal if it ran,
 * and a chunk that did run half way resumes from the meter's own record of its blocks); results move each meter's
 * state machine ({@link Steps}) and send its next step at once.
 */
@ApplicationScoped
public class CampaignEngine {

    private static final Logger LOG = Logger.getLogger(CampaignEngine.class);

    private final CampaignStore store;
    private final ImageCatalog images;
    private final FirmwareJobs jobs;
    private final FirmwareConfig config;
    private final Map<UUID, Campaign> campaigns = new ConcurrentHashMap<>();
    private ScheduledExecutorService ticker;
    private volatile boolean restarted = true;

    public CampaignEngine(CampaignStore store, ImageCatalog images, FirmwareJobs jobs, FirmwareConfig config) {
        this.store = store;
        this.images = images;
        this.jobs = jobs;
        this.config = config;
    }

    void onStart(@Observes @Priority(30) StartupEvent event) {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "firmware-campaigns"));
        long every = config.tick().toMillis();
        ticker.scheduleWithFixedDelay(this::tickSafely, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes @Priority(4900) ShutdownEvent event) throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Wakes the ticker now (a new campaign, a resume). */
    public void nudge() {
        if (ticker != null) {
            ticker.execute(this::tickSafely);
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (Exception e) {
            LOG.warnf("campaign tick failed (%s); next tick tries again", e.getMessage());
        }
    }

    void tick() throws SQLException {
        Duration stale = restarted ? Duration.ZERO : config.staleAfter();
        for (Campaign c : store.active()) {
            campaigns.put(c.id(), c);
            if (c.state().equals("RUNNING")) {
                ImageMetadata image = images.image(c.imageId());
                List<MeterRow> resend = store.toSend(c.id(), stale);
                List<MeterJob> out = new ArrayList<>();
                for (MeterRow row : resend) {
                    String jobId = Steps.jobId(c.id(), row);
                    store.sent(row, jobId);
                    out.add(job(c, image, row, jobId));
                }
                if (c.inWindow(LocalTime.now(ZoneOffset.UTC))) {
                    int free = Math.min(c.batchSize(), c.concurrency() - store.inFlight(c.id()));
                    if (free > 0) {
                        for (MeterRow row : store.start(c.id(), free)) {
                            out.add(job(c, image, row, row.jobId()));
                        }
                    }
                }
                publish(c, out);
            }
            if (store.finishIfDone(c.id())) {
                campaigns.remove(c.id());
                LOG.infof("campaign %s finished: %s", c.id(), store.progress(c.id()).meters());
            }
        }
        restarted = false;
    }

    /** A result of one of firmware-service's jobs; a result that is not the one awaited (a duplicate) changes nothing. */
    public void onResult(MeterJobResult result) throws SQLException {
        JobIds.Parsed id = JobIds.parse(result.jobId());
        if (id == null) {
            LOG.warnf("result %s is not of a firmware job; ignored", result.jobId());
            return;
        }
        Campaign c = campaign(id.campaign());
        ImageMetadata image = images.image(c.imageId());
        Optional<Steps.Transition> t = store.apply(c.id(), id.meterId(), result.jobId(), row -> {
            Campaign now = campaign(c.id());
            Steps.Transition next = Steps.onResult(row, image, now.oneShot(), result, config.stepAttempts());
            MeterRow r = next.row();
            if (r.state().inFlight() && now.state().equals("CANCELLED")) {
                r = r.failed(MeterState.CANCELLED, null, null, "campaign cancelled at " + r.state());
            } else if (r.state().inFlight() && now.state().equals("RUNNING")) {
                r = r.withJob(Steps.jobId(c.id(), r));
            } else if (r.state().inFlight()) {
                r = r.withJob(null); // paused: held at this step until the campaign runs again
            }
            return Optional.of(new Steps.Transition(r, next.event(), next.detail(), next.wireBytes()));
        });
        if (t.isPresent() && t.get().row().jobId() != null) {
            publish(c, List.of(job(c, image, t.get().row(), t.get().row().jobId())));
        } else if (t.isEmpty()) {
            LOG.debugf("result %s not awaited (a duplicate or a late one); nothing changed", result.jobId());
        }
    }

    private Campaign campaign(UUID id) throws SQLException {
        Campaign c = campaigns.get(id);
        if (c == null || !c.state().equals("RUNNING")) { // states change by REST: read the stored one
            c = store.campaign(id).orElseThrow(() -> new SQLException("no campaign " + id));
            campaigns.put(id, c);
        }
        return c;
    }

    /** Forgets the cached campaign (its state changed). */
    public void changed(UUID id) {
        campaigns.remove(id);
    }

    private MeterJob job(Campaign c, ImageMetadata image, MeterRow row, String jobId) throws SQLException {
        MeterCommand command;
        if (row.state() == MeterState.TRANSFERRING) {
            int blocks = Steps.chunkBlocks(row.blockSize(), Math.min(config.chunkBytes(), TransferImage.MAX_CHUNK_BYTES));
            long offset = row.nextBlock() * row.blockSize();
            int length = (int) Math.min((long) blocks * row.blockSize(), image.size() - offset);
            byte[] chunk = store.chunk(image.id(), offset, length);
            command = new TransferImage(image.identifier(), image.size(), row.blockSize(), row.nextBlock(),
                    Base64.getEncoder().encodeToString(chunk));
        } else {
            command = Steps.command(row, image);
        }
        return new MeterJob(jobId, c.id().toString(), row.meterId(), Instant.now(), command,
                c.createdBy() == null ? "firmware-service" : c.createdBy());
    }

    private void publish(Campaign c, List<MeterJob> out) throws SQLException {
        if (out.isEmpty()) {
            return;
        }
        try {
            jobs.publishAll(out).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("%d jobs of campaign %s not confirmed by the broker (%s); sent again on the next tick",
                    out.size(), c.id(), e.getMessage());
            for (MeterJob j : out) {
                store.unsent(c.id(), j.meterId(), j.jobId());
            }
        }
    }
}
