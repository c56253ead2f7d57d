package org.amihes.polling.profiles;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amihes.contracts.JobPriority;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadProfile;
import org.jboss.logging.Logger;

/**
 * Automatic backfill: every {@code hes.profiles.backfill.every}, the meter profiles that changed (a read asked for or
 * completed) or whose backfill is due again are looked at for gaps within the capture times they were asked for (the
 * last {@code lookback} of them, up to now); each gap is read again on its own, exactly its missing range, at most
 * {@code max-attempts} times, {@code retry-after} apart. A meter that never answered a profile read has declared no
 * capture period, so its gaps cannot be counted: its whole window is read again as one job (the first read that
 * answers stores its intervals and its capture period and capture objects; gaps are counted from then on), bounded
 * the same way. One backfill batch per run.
 */
@ApplicationScoped
public class Backfill {

    private static final Logger LOG = Logger.getLogger(Backfill.class);

    private final GapStore gaps;
    private final ProfileReads reads;
    private final ProfilesConfig.Backfill config;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();

    public Backfill(GapStore gaps, ProfileReads reads, ProfilesConfig config, Vertx vertx) {
        this.gaps = gaps;
        this.reads = reads;
        this.config = config.backfill();
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.every().isZero()) {
            vertx.setPeriodic(config.every().toMillis(), id -> run());
        }
    }

    /** One pass; a pass still running is not started twice. */
    public void run() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        pass().subscribe().with(n -> {
            running.set(false);
            if (n > 0) {
                LOG.infof("backfill: %d gaps read again", n);
            }
        }, e -> {
            running.set(false);
            LOG.warnf("backfill pass failed: %s", e.getMessage());
        });
    }

    Uni<Integer> pass() {
        UUID batchId = UUID.randomUUID();
        Instant now = Instant.now();
        return gaps.backfillCandidates(config.maxAttempts(), config.retryAfter(), config.maxPerRun())
                .chain(candidates -> {
                    List<MeterJob> jobs = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (GapStore.MeterProfile mp : candidates) {
                        chain = chain.chain(() -> look(mp, batchId, now, jobs));
                    }
                    return chain.chain(() -> jobs.isEmpty() ? Uni.createFrom().item(0)
                            : reads.backfill(jobs, batchId).map(ProfileReads.Started::requested));
                });
    }

    private Uni<Void> look(GapStore.MeterProfile mp, UUID batchId, Instant now, List<MeterJob> jobs) {
        Instant to = mp.coveredTo().isAfter(now) ? now : mp.coveredTo();
        Instant from = mp.coveredFrom().isAfter(to.minus(config.lookback())) ? mp.coveredFrom() : to.minus(config.lookback());
        if (!from.isBefore(to)) {
            return gaps.checked(mp.meterId(), mp.profile());
        }
        Uni<List<Instant>> storedTimes = mp.capturePeriodSeconds() == null ? Uni.createFrom().item(List.<Instant>of())
                : gaps.storedTimes(mp.meterId(), mp.profile(), from, to);
        return storedTimes.chain(stored -> {
            // never answered: nothing stored, the period unknown: the whole window is the gap
            List<Gaps.Gap> missing = mp.capturePeriodSeconds() == null ? List.of(new Gaps.Gap(from, to, 0))
                    : Gaps.find(from, to, mp.capturePeriodSeconds(), stored);
            Uni<Void> chain = gaps.markFilled(mp.meterId(), mp.profile(), missing.stream().map(Gaps.Gap::from).toList());
            int n = 0;
            for (Gaps.Gap gap : missing) {
                // one job per gap: a meter's jobs run one after the other, each reading exactly its missing range
                String jobId = batchId + "/" + mp.meterId() + "/" + (n++);
                chain = chain.chain(() -> gaps.recordAttempt(mp.meterId(), mp.profile(), gap.from(), gap.to(), jobId,
                        config.maxAttempts(), config.retryAfter()).invoke(attempt -> {
                            if (attempt > 0) {
                                // background work: on-demand reads and commands are admitted first
                                jobs.add(new MeterJob(jobId, batchId.toString(), mp.meterId(), now,
                                        ReadProfile.range(mp.profile(), gap.from(), gap.to()), null, JobPriority.SCHEDULED));
                            }
                        }).replaceWithVoid());
            }
            return chain.chain(() -> gaps.checked(mp.meterId(), mp.profile()));
        });
    }
}
