package org.amihes.association.interop;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.amihes.association.AssociationConfig;
import org.amihes.association.MeterSessions;
import org.amihes.association.audit.AuditLog;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.capture.WireCapture;
import org.amihes.interop.InteropPlan;
import org.amihes.interop.MeterDeclaration;
import org.amihes.interop.MeterVerdict;
import org.amihes.interop.PlanOptions;
import org.amihes.interop.ProbeTarget;
import org.amihes.interop.Reports;
import org.amihes.interop.Verdict;
import org.amihes.service.rest.ProblemException;

/**
 * Interoperability runs: a plan over many meters, asynchronously. Targets are stored first (one row each), then
 * probed with bounded concurrency, each meter inside {@link MeterSessions#exclusive} so a run never talks to a
 * meter while a job does (in this replica), and never opens two associations with it at once. Verdicts are written
 * in batches; every run and every meter's verdict is audited.
 */
@ApplicationScoped
public class InteropRuns {

    /**
     * What a client asks for: exactly one of meterIds or vendor; cases empty for the whole plan; capture true to keep
     * a pcap of each meter's traffic (GET .../meters/{meterId}/capture.pcap).
     */
    public record Request(List<String> meterIds, String vendor, List<String> cases, Boolean allowWrites,
                          Boolean capture) {
    }

    /** Buffered pcaps of this many bytes are written without waiting for the batch to fill. */
    static final long CAPTURE_FLUSH_BYTES = 32L << 20;

    private final MeterDirectory directory;
    private final MeterSessions sessions;
    private final InteropRunStore store;
    private final AuditLog audit;
    private final AssociationConfig config;
    private final Vertx vertx;
    private final Map<UUID, RunExecution> running = new ConcurrentHashMap<>();

    private final VendorDeclarations declarations;

    public InteropRuns(MeterDirectory directory, MeterSessions sessions, InteropRunStore store, AuditLog audit,
                       AssociationConfig config, Vertx vertx, VendorDeclarations declarations) {
        this.declarations = declarations;
        this.directory = directory;
        this.sessions = sessions;
        this.store = store;
        this.audit = audit;
        this.config = config;
        this.vertx = vertx;
    }

    /** Validates, stores the run and its targets, starts it; answers as soon as it is stored. */
    public Uni<InteropRunStore.Run> start(Request request, String actor) {
        InteropPlan plan;
        try {
            plan = InteropPlan.of(request.cases());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("cases", e.getMessage());
        }
        List<Meter> targets = targets(request);
        boolean writes = Boolean.TRUE.equals(request.allowWrites());
        String selection = request.vendor() != null
                ? new io.vertx.core.json.JsonObject().put("vendor", request.vendor()).encode()
                : new io.vertx.core.json.JsonObject().put("meterIds", targets.size()).encode();
        InteropRunStore.Run run = new InteropRunStore.Run(UUID.randomUUID(), "RUNNING", plan.caseIds(), writes,
                selection, targets.size(), actor, Instant.now(), null);
        List<String[]> rows = new ArrayList<>(targets.size());
        targets.forEach(m -> rows.add(new String[] {m.meterId(), m.vendor()}));
        return store.create(run, rows).invoke(() -> {
            audit.pass("INTEROP_RUN_STARTED", null, run.runId().toString(), Map.of("targets", targets.size(),
                    "cases", plan.caseIds(), "allowWrites", writes, "requestedBy", actor, "selection", selection));
            RunExecution execution = new RunExecution(run.runId(), targets, plan, options(writes),
                    Boolean.TRUE.equals(request.capture()));
            running.put(run.runId(), execution);
            execution.start();
        }).replaceWith(run);
    }

    /** Stops probing new meters of the run; meters being probed finish. False when the run is not running here. */
    public Uni<Boolean> cancel(UUID runId, String actor) {
        RunExecution execution = running.get(runId);
        if (execution == null) {
            return Uni.createFrom().item(false);
        }
        audit.pass("INTEROP_RUN_CANCELLED", null, runId.toString(), Map.of("requestedBy", actor));
        execution.cancelled = true;
        return Uni.createFrom().item(true);
    }

    private List<Meter> targets(Request request) {
        boolean byIds = request.meterIds() != null && !request.meterIds().isEmpty();
        boolean byVendor = request.vendor() != null && !request.vendor().isBlank();
        if (byIds == byVendor) {
            throw ProblemException.invalidRequest("$", "give exactly one of meterIds (registry ids) and vendor (every "
                    + "registered meter of that vendor)");
        }
        if (byVendor) {
            List<Meter> out = directory.select("").page(0, Integer.MAX_VALUE).stream()
                    .filter(m -> request.vendor().equals(m.vendor())).toList();
            if (out.isEmpty()) {
                throw ProblemException.invalidField("vendor", "no registered meter of vendor '" + request.vendor() + "'");
            }
            return out;
        }
        List<Meter> out = new ArrayList<>(request.meterIds().size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < request.meterIds().size(); i++) {
            String id = request.meterIds().get(i);
            if (id == null || !seen.add(id)) {
                throw ProblemException.invalidRequest("meterIds[" + i + "]", id == null ? "null" : "'" + id
                        + "' is listed twice");
            }
            Optional<Meter> m = directory.find(id);
            if (m.isEmpty()) {
                throw ProblemException.invalidField("meterIds[" + i + "]", "meter '" + id + "' is not registered");
            }
            out.add(m.get());
        }
        return out;
    }

    private PlanOptions options(boolean writes) {
        return PlanOptions.DEFAULTS.withAllowWrites(writes).withLatencyBudget(config.interop().latencyBudget());
    }

    /** The meter as the plan sees it: public association, management association with its keys, declaration. */
    Future<ProbeTarget> target(Meter m) {
        SessionSettings open = new SessionSettings(m.host(), m.port(), m.transport(), 16, m.logicalDevice(),
                AuthenticationLevel.NONE, null, config.sessions().responseTimeout(), config.sessions().maxPduSize(), null);
        MeterDeclaration declaration = declaration(m.vendor());
        if (m.securityProfile() == null) {
            return Future.succeededFuture(new ProbeTarget(m.meterId(), m.vendor(), open, null, "the registry names no "
                    + "security profile for " + m.meterId() + ": only its public association is known", declaration));
        }
        return sessions.credentials(m).map(c -> new ProbeTarget(m.meterId(), m.vendor(), open,
                        c.session(m, 0, config.sessions().responseTimeout(), config.sessions().maxPduSize()), null,
                        declaration))
                .otherwise(e -> new ProbeTarget(m.meterId(), m.vendor(), open, null, "the meter's keys (profile "
                        + m.securityProfile() + ") could not be had from security-service: " + e.getMessage(),
                        declaration));
    }

    private MeterDeclaration declaration(String vendor) {
        return declarations.of(vendor); // null: the cases that need one are SKIPPED, saying so
    }

    /** One run in this process: workers take the next meter until none is left or the run is cancelled. */
    private final class RunExecution {
        private final UUID runId;
        private final List<Meter> targets;
        private final InteropPlan plan;
        private final PlanOptions options;
        private final boolean capture;
        private final List<InteropRunStore.Finished> buffer = new ArrayList<>();
        private final List<InteropRunStore.Capture> captures = new ArrayList<>();
        private int next;
        private int workers;
        private long timer = -1;
        private java.util.concurrent.CompletionStage<Void> writes = java.util.concurrent.CompletableFuture.completedFuture(null);
        volatile boolean cancelled;

        RunExecution(UUID runId, List<Meter> targets, InteropPlan plan, PlanOptions options, boolean capture) {
            this.runId = runId;
            this.capture = capture;
            this.targets = targets;
            this.plan = plan;
            this.options = options;
        }

        void start() {
            vertx.runOnContext(v -> {
                int n = Math.min(config.interop().concurrency(), targets.size());
                workers = n;
                timer = vertx.setPeriodic(config.interop().flushDelay().toMillis(), t -> flush());
                for (int i = 0; i < n; i++) {
                    work();
                }
            });
        }

        private synchronized Meter take() {
            return cancelled || next >= targets.size() ? null : targets.get(next++);
        }

        private void work() {
            Meter m = take();
            if (m == null) {
                boolean last;
                synchronized (this) {
                    last = --workers == 0;
                }
                if (last) {
                    finish();
                }
                return;
            }
            WireCapture wire = capture ? WireCapture.recording(config.interop().captureMaxBytes())
                    : WireCapture.counting();
            sessions.exclusive(m.meterId(), () -> target(m).compose(t -> sessions.prober().probe(t, plan, options,
                            sessions.counters(), wire)))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            if (wire.records()) {
                                synchronized (this) {
                                    captures.add(new InteropRunStore.Capture(runId, m.meterId(), wire.pcap(),
                                            wire.pcapDroppedPackets()));
                                }
                            }
                            record(ar.result());
                        } else {
                            record(failedProbe(m, ar.cause()));
                        }
                        vertx.runOnContext(x -> work()); // never deeper on the stack, however fast meters fail
                    });
        }

        private MeterVerdict failedProbe(Meter m, Throwable cause) {
            // the plan never fails on a meter's account; this is the head-end (e.g. stopping): recorded, not lost
            return new MeterVerdict(m.meterId(), m.vendor(), Instant.now(), 0, List.of(new org.amihes.interop.CaseResult(
                    "run", "head-end", Verdict.FAIL, "the probe could not run: " + cause, "HEAD_END", null, List.of(),
                    Map.of(), 0)));
        }

        private void record(MeterVerdict v) {
            String json = Reports.json(v).encode();
            if (v.overall() == Verdict.FAIL) {
                List<String> failed = v.results().stream().filter(r -> r.verdict() == Verdict.FAIL)
                        .map(r -> r.caseId() + " " + r.failureClass() + (r.code() == null ? "" : " " + r.code())).toList();
                org.amihes.interop.CaseResult first = v.results().stream().filter(r -> r.verdict() == Verdict.FAIL)
                        .findFirst().orElseThrow();
                audit.fail("INTEROP_PROBE", v.meterId(), runId.toString(), first.failureClass(), first.code(),
                        "failed cases: " + failed, first.evidence().stream().map(e -> e.direction() + " " + e.hex()).toList(),
                        Map.of("passed", v.count(Verdict.PASS), "skipped", v.count(Verdict.SKIPPED)));
            } else {
                audit.pass("INTEROP_PROBE", v.meterId(), runId.toString(), Map.of("verdict", v.overall().name(),
                        "passed", v.count(Verdict.PASS), "skipped", v.count(Verdict.SKIPPED)));
            }
            boolean full;
            synchronized (this) {
                buffer.add(new InteropRunStore.Finished(runId, v.meterId(), v.overall().name(), (int) v.count(Verdict.PASS),
                        (int) v.count(Verdict.FAIL), (int) v.count(Verdict.SKIPPED), json, Instant.now()));
                // pcaps wait in memory for the next write: a few tens of MiB at most, then written at once
                full = buffer.size() >= config.interop().flushBatch()
                        || captures.stream().mapToLong(c -> c.pcap().length).sum() >= CAPTURE_FLUSH_BYTES;
            }
            if (full) {
                flush();
            }
        }

        /** Writes what is buffered, after the previous write (so the run's end comes after every verdict). */
        private void flush() {
            List<InteropRunStore.Finished> batch;
            synchronized (this) {
                if (buffer.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(buffer);
                buffer.clear();
                // a meter's capture is stored before its verdict: a DONE meter of a captured run has its pcap
                List<InteropRunStore.Capture> pcaps = new ArrayList<>(captures);
                captures.clear();
                writes = writes.thenCompose(x -> store.captures(pcaps).chain(() -> store.finish(batch))
                        .subscribeAsCompletionStage()
                        .exceptionally(e -> {
                            synchronized (this) { // kept for the next write: a verdict is never dropped
                                buffer.addAll(0, batch);
                                captures.addAll(0, pcaps);
                            }
                            org.jboss.logging.Logger.getLogger(InteropRuns.class).warnf(
                                    "interop run %s: %d verdicts not stored yet (%s); kept for the next write",
                                    runId, batch.size(), e.getMessage());
                            return null;
                        }));
            }
        }

        private void finish() {
            vertx.cancelTimer(timer);
            flush();
            String status = cancelled ? "CANCELLED" : "DONE";
            java.util.concurrent.CompletionStage<Void> before;
            synchronized (this) {
                before = writes;
            }
            before.thenCompose(x -> {
                synchronized (this) { // a write that failed put its verdicts back: one more try before the end
                    List<InteropRunStore.Finished> rest = new ArrayList<>(buffer);
                    buffer.clear();
                    List<InteropRunStore.Capture> pcaps = new ArrayList<>(captures);
                    captures.clear();
                    return store.captures(pcaps).chain(() -> store.finish(rest)).chain(() -> store.end(runId, status)).subscribeAsCompletionStage();
                }
            }).whenComplete((v, e) -> {
                running.remove(runId);
                if (e == null) {
                    audit.pass("INTEROP_RUN_" + status, null, runId.toString(), Map.of("targets", targets.size()));
                } else {
                    audit.fail("INTEROP_RUN_" + status, null, runId.toString(), "HEAD_END", null,
                            "the run's last verdicts or its end could not be stored: " + e.getMessage(), List.of());
                }
            });
        }
    }
}
