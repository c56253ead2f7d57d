package org.amihes.association.interop;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.association.AssociationConfig;
import org.amihes.association.audit.AuditLog;
import org.amihes.association.commands.CommandJobs;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.contracts.InteropProbe;
import org.amihes.contracts.MeterJob;
import org.amihes.interop.InteropPlan;
import org.amihes.service.digest.Sha256;
import org.amihes.service.persistence.UniqueViolation;
import org.amihes.service.registry.MeterGroup;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;
import org.jboss.logging.Logger;

/**
 * Interoperability runs: a plan over a group of meters, each meter's part a meter job ({@link InteropProbe}) through
 * the broker like every other, so whichever replica holds a meter's partition probes it, one association with it at
 * a time across replicas ({@link InteropProbeHandler}). The run and a PENDING row per target are stored first, then
 * the jobs published; progress, results, cancel and the run's end live in PostgreSQL, so any replica answers for
 * any run. Jobs the broker did not confirm are published again by a sweep (a meter already settled is not probed
 * again).
 */
@ApplicationScoped
public class InteropRuns {

    /**
     * What a client asks for: the targets as a {@code group} (service-commons {@link MeterGroup}: meter ids, or a
     * filter by vendor and/or tags on the registry), or {@code meterIds} alone (shorthand for a group of those ids,
     * as firmware campaigns take it); cases empty for the whole plan; capture true to keep a pcap of each meter's
     * traffic (GET .../meters/{meterId}/capture.pcap).
     */
    public record Request(@Valid MeterGroup group,
                          @Size(max = MeterGroup.MAX_IDS) List<@Pattern(regexp = MeterGroup.ID,
                                  message = MeterGroup.ID_MESSAGE) String> meterIds,
                          List<String> cases, Boolean allowWrites, Boolean capture) {
    }

    /** A run as {@link #start} answers it: created now, or stored before under its Idempotency-Key (repeated). */
    public record Started(InteropRunStore.Run run, boolean repeated) {
    }
    private static final Logger LOG = Logger.getLogger(InteropRuns.class);
    /** A run's jobs not all confirmed this many sweeps after its start are published again (10,000 take a while). */
    static final int UNPUBLISHED_SWEEPS = 6;

    private final MeterDirectory directory;
    private final InteropRunStore store;
    private final InteropResultWriter writer;
    private final CommandJobs jobs;
    private final AuditLog audit;
    private final AssociationConfig config;
    private final Vertx vertx;
    private long sweep = -1;
    /** Runs the sweep is publishing again: the next sweep leaves them alone. */
    private final Set<UUID> republishing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public InteropRuns(MeterDirectory directory, InteropRunStore store, InteropResultWriter writer, CommandJobs jobs,
                       AuditLog audit, AssociationConfig config, Vertx vertx) {
        this.directory = directory;
        this.store = store;
        this.writer = writer;
        this.jobs = jobs;
        this.audit = audit;
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes @Priority(17) StartupEvent event) {
        long every = config.commands().republishAfter().toMillis();
        sweep = vertx.setPeriodic(every, every, t -> sweep());
    }

    void onStop(@Observes @Priority(4990) ShutdownEvent event) {
        vertx.cancelTimer(sweep);
    }

    /**
     * Validates, stores the run and its targets, answers; their jobs are published meanwhile ({@code publishedAt} once
     * the broker confirmed them all; if it does not, the sweep publishes them). With an {@code idempotencyKey} (null:
     * none), a run stored under the key already is answered instead when the request is the same ({@link #digest}),
     * storing and publishing nothing; another request under the key is 409. A concurrent request that stores the key
     * first makes this one its repeat (the key's unique index).
     */
    public Uni<Started> start(Request request, String idempotencyKey, String actor) {
        InteropPlan plan;
        try {
            plan = InteropPlan.of(request.cases());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("cases", e.getMessage());
        }
        MeterGroup group = group(request);
        String field = request.group() != null ? "group.meterIds" : "meterIds";
        checkList(group, field);
        boolean writes = Boolean.TRUE.equals(request.allowWrites());
        boolean capture = Boolean.TRUE.equals(request.capture());
        String digest = digest(group, plan.caseIds(), writes, capture);
        Uni<Started> existing = idempotencyKey == null ? Uni.createFrom().nullItem() : repeated(idempotencyKey, digest);
        return existing.chain(found -> found != null ? Uni.createFrom().item(found)
                : create(targets(group, field), plan, writes, capture, group, idempotencyKey, digest, actor)
                        // the same key stored meanwhile by a concurrent request: answered as a repeat of it
                        .onFailure(UniqueViolation::test).recoverWithUni(e -> idempotencyKey == null
                                ? Uni.createFrom().failure(e)
                                : repeated(idempotencyKey, digest).onItem().ifNull().failWith(e)));
    }

    private Uni<Started> create(List<Meter> targets, InteropPlan plan, boolean writes, boolean capture,
                                MeterGroup group, String idempotencyKey, String digest, String actor) {
        String selection = group.explicit() ? new JsonObject().put("meterIds", targets.size()).encode()
                : new JsonObject().put("vendor", group.vendor()).put("tags", group.tags()).encode();
        InteropRunStore.Run run = new InteropRunStore.Run(UUID.randomUUID(), "RUNNING", plan.caseIds(), writes, capture,
                selection, targets.size(), actor, Instant.now(), null, null);
        List<String[]> rows = new ArrayList<>(targets.size());
        targets.forEach(m -> rows.add(new String[] {m.meterId(), m.vendor()}));
        return store.create(run, idempotencyKey, idempotencyKey == null ? null : digest, rows)
                .invoke(() -> audit.pass("INTEROP_RUN_STARTED", null, run.runId().toString(),
                        Map.of("targets", targets.size(), "cases", plan.caseIds(), "allowWrites", writes,
                                "requestedBy", actor, "selection", selection)))
                .invoke(() -> publish(run, targets.stream().map(Meter::meterId).toList()).subscribe().with(confirmed -> {
                    if (!confirmed) {
                        LOG.warnf("interop run %s stored, its jobs not all confirmed by the broker: the sweep publishes "
                                + "them again", run.runId());
                    }
                }))
                .replaceWith(new Started(run, false));
    }

    /**
     * The run stored under the key when the request is the same (not created now); 409 when it is another request;
     * null when the key is new.
     */
    private Uni<Started> repeated(String key, String digest) {
        return store.findByIdempotencyKey(key).map(found -> found.map(stored -> {
            if (!digest.equals(stored.requestDigest())) {
                throw IdempotencyKey.reused(key, "run " + stored.run().runId());
            }
            return new Started(stored.run(), true);
        }).orElse(null));
    }

    /**
     * SHA-256 of the request's canonical form: what it runs (the plan's case ids, in plan order), over which meters
     * (an explicit list in id order, or the filter with its tags sorted) and with which flags. Two requests that
     * differ only in how they say it ({@code meterIds} or {@code group.meterIds}, order, an area or its cases, an
     * absent flag or false) are the same request.
     */
    static String digest(MeterGroup group, List<String> caseIds, boolean writes, boolean capture) {
        JsonObject targets = group.explicit()
                ? new JsonObject().put("meterIds", group.meterIds().stream().sorted().toList())
                : new JsonObject().put("vendor", group.vendor())
                        .put("tags", new java.util.TreeSet<>(group.requiredTags()).stream().toList());
        return Sha256.hex(new JsonObject().put("group", targets).put("cases", caseIds).put("allowWrites", writes)
                .put("capture", capture).encode());
    }

    /** Asks the run to stop: meters not yet probed settle CANCELLED, meters being probed finish. */
    public Uni<Boolean> cancel(UUID runId, String actor) {
        return store.cancel(runId).invoke(cancelled -> {
            if (cancelled) {
                audit.pass("INTEROP_RUN_CANCEL_REQUESTED", null, runId.toString(), Map.of("requestedBy", actor));
                writer.endSettled(Set.of(runId)); // nothing pending any more: ended now
            }
        });
    }

    /**
     * The jobs of the run's meters, then the run marked published: true; false when the broker did not confirm them
     * all (left to the sweep).
     */
    private Uni<Boolean> publish(InteropRunStore.Run run, List<String> meterIds) {
        if (meterIds.isEmpty()) {
            return store.published(run.runId()).replaceWith(true);
        }
        InteropProbe probe = new InteropProbe(run.runId(), run.cases(), run.allowWrites(), run.capture());
        List<MeterJob> batch = new ArrayList<>(meterIds.size());
        for (String id : meterIds) {
            batch.add(new MeterJob(jobId(run.runId(), id), run.runId().toString(), id, run.requestedAt(), probe,
                    run.requestedBy()));
        }
        long start = System.nanoTime();
        return Uni.createFrom().completionStage(() -> jobs.publishAll(batch))
                .chain(() -> store.published(run.runId()))
                .invoke(() -> LOG.infof("interop run %s: %d jobs confirmed by the broker in %d ms", run.runId(),
                        batch.size(), (System.nanoTime() - start) / 1_000_000))
                .replaceWith(true)
                .onFailure().invoke(e -> LOG.debugf("interop run %s: jobs not all confirmed by the broker (%s)",
                        run.runId(), e.getMessage()))
                .onFailure().recoverWithItem(false);
    }

    /** {@code interop/<runId>/<meterId>}: one job per meter and run, whoever publishes it. */
    static String jobId(UUID runId, String meterId) {
        return "interop/" + runId + "/" + meterId;
    }

    /** Runs whose jobs were not all confirmed: their PENDING meters again; and runs left settled but not ended. */
    private void sweep() {
        store.unpublished(config.commands().republishAfter().multipliedBy(UNPUBLISHED_SWEEPS)).subscribe().with(runs -> {
            for (InteropRunStore.Run run : runs) {
                if (!republishing.add(run.runId())) {
                    continue; // the last sweep's publication of this run still awaits the broker
                }
                store.pendingMeters(run.runId()).chain(ids -> publish(run, ids).invoke(confirmed -> {
                    if (confirmed) {
                        LOG.infof("interop run %s: its %d pending jobs published again and confirmed", run.runId(),
                                ids.size());
                    }
                })).eventually(() -> republishing.remove(run.runId())).subscribe().with(confirmed -> { },
                        e -> LOG.debugf("interop run %s: pending meters not read: %s", run.runId(), e.getMessage()));
            }
        }, e -> LOG.debugf("interop sweep skipped: %s", e.getMessage()));
        writer.endSettled(null);
    }

    private static MeterGroup group(Request request) {
        if (request.group() != null && request.meterIds() != null) {
            throw ProblemException.invalidRequest("$", "give either 'group' or 'meterIds', not both");
        }
        if (request.group() == null && request.meterIds() == null) {
            throw ProblemException.invalidRequest("group", "required: {\"meterIds\": [...]} or a filter {\"vendor\", "
                    + "\"tags\"} (or 'meterIds' alone)");
        }
        MeterGroup group = request.group() != null ? request.group() : MeterGroup.of(request.meterIds());
        String shape = group.shapeProblem();
        if (shape != null) {
            throw ProblemException.invalidRequest("group", shape);
        }
        return group;
    }

    /** An explicit list as a list: at least one meter, none null or listed twice (before the registry is asked). */
    private static void checkList(MeterGroup group, String field) {
        if (!group.explicit()) {
            return;
        }
        List<String> ids = group.meterIds();
        if (ids.isEmpty()) {
            throw new ProblemException(Problem.ofField(Problem.Type.EMPTY_GROUP, field, "lists no meter: a run needs "
                    + "at least one"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null || !seen.add(id)) {
                throw ProblemException.invalidRequest(field + "[" + i + "]", id == null ? "null" : "'" + id
                        + "' is listed twice");
            }
        }
    }

    /** The group's meters in this replica's registry (kept in step with every replica's by registry events). */
    private List<Meter> targets(MeterGroup group, String field) {
        if (!group.explicit()) {
            List<String> tags = group.requiredTags();
            List<Meter> out = directory.select("").page(0, Integer.MAX_VALUE).stream()
                    .filter(m -> (group.vendor() == null || group.vendor().equals(m.vendor()))
                            && m.tags().containsAll(tags)).toList();
            if (out.isEmpty()) {
                throw new ProblemException(Problem.ofField(Problem.Type.UNKNOWN_GROUP,
                        group.vendor() != null ? "group.vendor" : "group.tags", "no registered meter"
                                + (group.vendor() != null ? " has vendor '" + group.vendor() + "'" : "")
                                + (group.tags() != null ? (group.vendor() != null ? " and" : "") + " carries tags "
                                + group.tags() : "")));
            }
            return out;
        }
        List<String> ids = group.meterIds();
        List<Meter> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Optional<Meter> m = directory.find(ids.get(i));
            if (m.isEmpty()) {
                throw ProblemException.invalidField(field + "[" + i + "]", "meter '" + ids.get(i) + "' is not registered");
            }
            out.add(m.get());
        }
        return out;
    }
}
