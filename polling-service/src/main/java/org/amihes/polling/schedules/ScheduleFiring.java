package org.amihes.polling.schedules;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.amihes.polling.PollingConfig;
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
                    .call(() -> store.moveNextFire(conn, s.id(), next))
                    .map(Optional::of);
        })).invoke(() -> runAfterCommit(afterCommit));
    }

    /** Fires a schedule now, whatever its timing ({@code POST /schedules/{id}/run}); empty when there is no such schedule. */
    public Uni<Optional<ScheduleFire>> runNow(UUID id) {
        AtomicReference<Runnable> afterCommit = new AtomicReference<>();
        return store.pool().withTransaction(conn -> store.find(conn, id, true).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<ScheduleFire>empty());
            }
            return store.now(conn).chain(now -> fire(conn, found.get(), now, now, MANUAL, false, afterCommit))
                    .map(Optional::of);
        })).invoke(() -> runAfterCommit(afterCommit));
    }

    private Uni<ScheduleFire> fire(SqlConnection conn, StoredSchedule s, Instant due, Instant now, String trigger,
                                   boolean skipWhileRunning, AtomicReference<Runnable> afterCommit) {
        ScheduledWork work = works.of(s.kind());
        Uni<Boolean> busy = !skipWhileRunning ? Uni.createFrom().item(false)
                : store.lastBatch(conn, s.id()).chain(last -> last.isEmpty() ? Uni.createFrom().item(false)
                        : work.running(conn, last.get()));
        return busy.chain(running -> {
            if (running) {
                return record(conn, s, new ScheduleFire(due, now, trigger, "SKIPPED", null, null,
                        "the previous fire's batch still has jobs outstanding", replica));
            }
            return groups.resolve(conn, s).chain(meters -> {
                if (meters.isEmpty()) {
                    return record(conn, s, new ScheduleFire(due, now, trigger, "SKIPPED", null, null,
                            "the group has no meter now", replica));
                }
                String key = SCHEDULED.equals(trigger) ? "schedule:" + s.id() + ":" + due.toEpochMilli() : null;
                return work.store(conn, meters, s.parameters(), key).chain(started -> {
                    afterCommit.set(started.dispatch());
                    return record(conn, s, new ScheduleFire(due, now, trigger, "FIRED", started.batchId(),
                            started.requested(), null, replica));
                });
            });
        });
    }

    private Uni<ScheduleFire> record(SqlConnection conn, StoredSchedule s, ScheduleFire fire) {
        return store.recordFire(conn, s.id(), fire).replaceWith(fire);
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
