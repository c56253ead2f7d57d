package org.amihes.polling.schedules;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.polling.PollingConfig;
import org.amihes.service.persistence.UniqueViolation;
import org.jboss.logging.Logger;

/**
 * Fires schedules, once across replicas: one transaction claims a due schedule ({@code FOR UPDATE SKIP LOCKED}),
 * stores the batch of its work, records the fire and moves {@code next_fire} on; the batch is dispatched after the
 * commit (the read path's sweeper publishes it again if that fails). Two replicas never fire the same due time: the
 * second finds the row locked (skipped) or, after the first committed, not due any more.
 *
 * <p>Missed fires (the service was down, or every replica busy): the schedule fires once, and its next fire is the first
 * due time after now; never once per missed period. Back-pressure: a fire whose previous batch still has jobs
 * outstanding is SKIPPED (recorded, with the reason), so a slow fleet never piles up batches.
 */
@ApplicationScoped
public class ScheduleFiring {

    private static final Logger LOG = Logger.getLogger(ScheduleFiring.class);
    static final String SCHEDULED = "SCHEDULED";
    static final String MANUAL = "MANUAL";

    private final ScheduleStore store;
    private final MeterGroups groups;
    private final ScheduledWorks works;
    private final String replica;

    public ScheduleFiring(ScheduleStore store, MeterGroups groups, ScheduledWorks works, PollingConfig config) {
        this.store = store;
        this.groups = groups;
        this.works = works;
        this.replica = config.schedules().replica().orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName());
    }

    /** Fires the most overdue schedule, if one is due and not held by another replica; empty when none was. */
    public Uni<Optional<ScheduleFire>> fireDue() {
        AtomicReference<Runnable> afterCommit = new AtomicReference<>();
        return store.pool().withTransaction(conn -> store.claimDue(conn).chain(claimed -> {
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(Optional.<ScheduleFire>empty());
            }
            StoredSchedule s = claimed.get().schedule();
            Instant now = claimed.get().now();
            Instant next = s.timing(now).nextAfter(now);
            return fire(conn, s, s.nextFire(), now, SCHEDULED, true, afterCommit)
                    .call(fire -> store.recordFire(conn, s.id(), fire, null))
                    .call(() -> store.moveNextFire(conn, s.id(), next))
                    .map(Optional::of);
        })).invoke(() -> runAfterCommit(afterCommit));
    }

    /** A manual fire; {@code repeated} when an earlier request under the same idempotency key made it. */
    public record Run(ScheduleFire fire, boolean repeated) {
    }

    /**
     * Fires a schedule now, whatever its timing ({@code POST /schedules/{id}/run}); empty when there is no such schedule.
     * With an idempotency key, the fire recorded under it answers a repeat for the same schedule (nothing fired), and a
     * key used for another schedule's run or for a read batch ({@code POST /reads}, {@code POST /profiles/reads}) is a
     * 409. Runs of one schedule wait for each other (the schedule's row is locked), so a repeat racing the first finds
     * its fire; a race under one key on two schedules ends in the key's unique violation, answered as the other's run.
     */
    public Uni<Optional<Run>> runNow(UUID id, String idempotencyKey) {
        AtomicReference<Runnable> afterCommit = new AtomicReference<>();
        Uni<Optional<Run>> run = store.pool().withTransaction(conn -> store.find(conn, id, true).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<Run>empty());
            }
            return repeated(conn, id, idempotencyKey).chain(repeat -> repeat != null ? Uni.createFrom().item(Optional.of(repeat))
                    : store.now(conn).chain(now -> fire(conn, found.get(), now, now, MANUAL, false, afterCommit))
                            .call(fire -> store.recordFire(conn, id, fire, idempotencyKey))
                            .map(fire -> Optional.of(new Run(fire, false))));
        })).invoke(() -> runAfterCommit(afterCommit));
        if (idempotencyKey == null) {
            return run;
        }
        return run.onFailure(UniqueViolation::test).recoverWithUni(e -> repeated(store.pool(), id, idempotencyKey)
                .onItem().ifNull().failWith(e).map(Optional::of));
    }

    /** The run stored under the key for this schedule; 409 when the key was used for anything else; null when it is new. */
    private Uni<Run> repeated(SqlClient client, UUID id, String key) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return store.fireByIdempotencyKey(client, key).chain(keyed -> {
            if (keyed.isPresent()) {
                if (!keyed.get().scheduleId().equals(id)) {
                    throw IdempotencyKey.reused(key, "a run of schedule " + keyed.get().scheduleId());
                }
                return Uni.createFrom().item(new Run(keyed.get().fire(), true));
            }
            return store.batchByIdempotencyKey(client, key).map(batch -> {
                if (batch.isPresent()) {
                    throw IdempotencyKey.reused(key, "read batch " + batch.get());
                }
                return null;
            });
        });
    }

    /** Stores the work's batch and answers the fire, not recorded yet: the caller records it. */
    private Uni<ScheduleFire> fire(SqlConnection conn, StoredSchedule s, Instant due, Instant now, String trigger,
                                   boolean skipWhileRunning, AtomicReference<Runnable> afterCommit) {
        ScheduledWork work = works.of(s.kind());
        Uni<Boolean> busy = !skipWhileRunning ? Uni.createFrom().item(false)
                : store.lastBatch(conn, s.id()).chain(last -> last.isEmpty() ? Uni.createFrom().item(false)
                        : work.running(conn, last.get()));
        return busy.chain(running -> {
            if (running) {
                return Uni.createFrom().item(new ScheduleFire(due, now, trigger, "SKIPPED", null, null,
                        "the previous fire's batch still has jobs outstanding", replica));
            }
            return groups.resolve(conn, s).chain(meters -> {
                if (meters.isEmpty()) {
                    return Uni.createFrom().item(new ScheduleFire(due, now, trigger, "SKIPPED", null, null,
                            "the group has no meter now", replica));
                }
                String key = SCHEDULED.equals(trigger) ? "schedule:" + s.id() + ":" + due.toEpochMilli() : null;
                return work.store(conn, meters, s.parameters(), key).map(started -> {
                    afterCommit.set(started.dispatch());
                    return new ScheduleFire(due, now, trigger, "FIRED", started.batchId(), started.requested(), null, replica);
                });
            });
        });
    }

    private static void runAfterCommit(AtomicReference<Runnable> afterCommit) {
        Runnable r = afterCommit.get();
        if (r != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warnf("a fired batch was stored but not dispatched now (%s): the sweeper publishes it", e.getMessage());
            }
        }
    }
}
