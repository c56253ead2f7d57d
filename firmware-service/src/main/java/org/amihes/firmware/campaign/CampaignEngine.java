package org.amihes.firmware.campaign;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
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
 * Runs the campaigns, in every replica: every tick, on its own thread (JDBC, never an event loop), writes this
 * replica's heartbeat, starts meters up to each running campaign's concurrency bound across replicas (batch by batch,
 * inside its maintenance window), and sends the jobs it claims ({@link CampaignStore#claimToSend}): held ones (paused,
 * or a publish that failed), stale ones (no result after {@code hes.firmware.stale-after}), those of a replica whose
 * heartbeat is older than {@code hes.firmware.replica-lease} (it stopped: its meters are taken over), and on its first
 * tick its own name's (a restart under the same name). A job sent again has the same id, so association-service
 * answers it from its journal if it ran, and a chunk that did run half way resumes from the meter's own record of its
 * blocks. Results (from one shared queue, whichever replica takes them) move each meter's state machine
 * ({@link Steps}) in one transaction per result message and send the next steps at once.
 */
@ApplicationScoped
public class CampaignEngine {

    private static final Logger LOG = Logger.getLogger(CampaignEngine.class);

    private final CampaignStore store;
    private final ImageCatalog images;
    private final FirmwareJobs jobs;
    private final FirmwareConfig config;
    private final String replica;
    private final Counter resultTransactions;
    private final Counter resultsApplied;
    private final Counter jobsSent;
    private final Map<UUID, Campaign> campaigns = new ConcurrentHashMap<>();
    private ScheduledExecutorService ticker;
    private volatile boolean firstTick = true;

    public CampaignEngine(CampaignStore store, ImageCatalog images, FirmwareJobs jobs, FirmwareConfig config,
                          MeterRegistry metrics) {
        this.store = store;
        this.images = images;
        this.jobs = jobs;
        this.config = config;
        this.replica = config.replica().orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName());
        this.resultTransactions = Counter.builder("hes.firmware.result.transactions")
                .description("transactions that applied firmware job results (one per result message)").register(metrics);
        this.resultsApplied = Counter.builder("hes.firmware.results.applied")
                .description("firmware job results that moved a meter's state machine").register(metrics);
        this.jobsSent = Counter.builder("hes.firmware.jobs.sent")
                .description("firmware jobs this replica published and the broker confirmed").register(metrics);
    }

    void onStart(@Observes @Priority(30) StartupEvent event) {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "firmware-campaigns"));
        long every = config.tick().toMillis();
        ticker.scheduleWithFixedDelay(this::tickSafely, every, every, TimeUnit.MILLISECONDS);
        LOG.infof("campaign engine: replica %s", replica);
    }

    void onStop(@Observes @Priority(4900) ShutdownEvent event) throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** This replica's name: the owner of the jobs it sends, its heartbeat's key. */
    public String replica() {
        return replica;
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
        store.heartbeat(replica);
        if (firstTick) {
            store.forgetOldReplicas();
        }
        for (Campaign c : store.active()) {
            campaigns.putIfAbsent(c.id(), c); // its fixed settings; the state is read in each transaction
            if (c.state().equals("RUNNING")) {
                ImageMetadata image = images.image(c.imageId());
                List<MeterJob> out = new ArrayList<>();
                for (MeterRow row : store.claimToSend(c.id(), replica, config.staleAfter(), config.replicaLease(),
                        firstTick, r -> Steps.jobId(c.id(), r))) {
                    out.add(job(c, image, row, row.jobId()));
                }
                if (c.inWindow(LocalTime.now(ZoneOffset.UTC))) {
                    for (MeterRow row : store.start(c.id(), c.batchSize(), c.concurrency(), replica)) {
                        out.add(job(c, image, row, row.jobId()));
                    }
                }
                publish(c.id(), out);
            }
            if (store.finishIfDone(c.id())) {
                campaigns.remove(c.id());
                LOG.infof("campaign %s finished: %s", c.id(), store.progress(c.id()).meters());
            }
        }
        firstTick = false;
    }

    /**
     * Results of firmware-service's jobs (one message's worth), applied in one transaction; a result that is not the
     * one awaited (a duplicate, a late one) changes nothing. The meters' next jobs are published together after the
     * commit.
     */
    public void onResults(List<MeterJobResult> results) throws SQLException {
        List<CampaignStore.Incoming> incoming = new ArrayList<>(results.size());
        Map<UUID, Campaign> now = new HashMap<>();
        Map<UUID, ImageMetadata> imageOf = new HashMap<>();
        for (MeterJobResult result : results) {
            JobIds.Parsed id = JobIds.parse(result.jobId());
            if (id == null || !id.meterId().equals(result.meterId())) {
                LOG.warnf("result %s is not of a firmware job; ignored", result.jobId());
                continue;
            }
            if (!now.containsKey(id.campaign())) {
                Optional<Campaign> c = campaignIfAny(id.campaign());
                if (c.isEmpty()) {
                    LOG.warnf("result %s names no campaign; ignored", result.jobId());
                    continue;
                }
                now.put(id.campaign(), c.get());
                imageOf.put(id.campaign(), images.image(c.get().imageId()));
            }
            incoming.add(new CampaignStore.Incoming(id.campaign(), result));
        }
        List<Steps.Transition> made = store.applyAll(incoming, replica, (row, in, state) -> {
            Campaign c = now.get(in.campaign());
            Steps.Transition next = Steps.onResult(row, imageOf.get(c.id()), c.oneShot(), in.result(),
                    config.stepAttempts());
            MeterRow r = next.row();
            if (r.state().inFlight() && state.equals("CANCELLED")) {
                r = r.failed(MeterState.CANCELLED, null, null, "campaign cancelled at " + r.state());
            } else if (r.state().inFlight() && state.equals("RUNNING")) {
                r = r.withJob(Steps.jobId(c.id(), r));
            } else if (r.state().inFlight()) {
                r = r.withJob(null); // paused: held at this step until the campaign runs again
            }
            return Optional.of(new Steps.Transition(r, next.event(), next.detail(), next.wireBytes()));
        });
        resultTransactions.increment();
        resultsApplied.increment(made.size());
        if (made.size() < incoming.size()) {
            LOG.debugf("%d of %d results not awaited (duplicates or late ones): nothing changed for them",
                    incoming.size() - made.size(), incoming.size());
        }
        List<MeterJob> out = new ArrayList<>();
        for (Steps.Transition t : made) {
            MeterRow r = t.row();
            if (r.jobId() != null) {
                out.add(job(now.get(r.campaignId()), imageOf.get(r.campaignId()), r, r.jobId()));
            }
        }
        publish(null, out);
    }

    /**
     * The campaign's settings (image, one-shot, creator: never changed after creation), from memory once read; its state
     * is not taken from here (results read it in their own transaction, the tick from the store).
     */
    private Optional<Campaign> campaignIfAny(UUID id) throws SQLException {
        Campaign c = campaigns.get(id);
        if (c == null) {
            Optional<Campaign> stored = store.campaign(id);
            stored.ifPresent(s -> campaigns.put(id, s));
            return stored;
        }
        return Optional.of(c);
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

    private void publish(UUID campaign, List<MeterJob> out) throws SQLException {
        if (out.isEmpty()) {
            return;
        }
        try {
            jobs.publishAll(out).get(30, TimeUnit.SECONDS);
            jobsSent.increment(out.size());
        } catch (Exception e) {
            LOG.warnf("%d jobs%s not confirmed by the broker (%s); sent again on the next tick", out.size(),
                    campaign == null ? "" : " of campaign " + campaign, e.getMessage());
            for (MeterJob j : out) {
                store.unsent(UUID.fromString(j.batchId()), j.meterId(), j.jobId());
            }
        }
    }
}
