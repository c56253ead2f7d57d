package org.amihes.association.interop;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amihes.association.AssociationConfig;
import org.amihes.association.MeterSessions;
import org.amihes.association.commands.MeterProcedure;
import org.amihes.association.domain.Admission;
import org.amihes.association.domain.Meter;
import org.amihes.contracts.InteropProbe;
import org.amihes.contracts.InteropProbed;
import org.amihes.contracts.MeterFailure;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.capture.WireCapture;
import org.amihes.interop.CaseResult;
import org.amihes.interop.InteropPlan;
import org.amihes.interop.MeterDeclaration;
import org.amihes.interop.MeterVerdict;
import org.amihes.interop.PlanOptions;
import org.amihes.interop.ProbeTarget;
import org.amihes.interop.Reports;
import org.amihes.interop.Verdict;

/**
 * {@link InteropProbe}: one meter's part of an interoperability run, in the replica that holds the meter's
 * partition. The meter's row is checked first: a meter that already has its verdict (a job delivered again) is not
 * probed again, and a meter of a run being cancelled is settled CANCELLED without being contacted. Otherwise the
 * plan runs alone with the meter ({@link MeterSessions#exclusive}: after its other jobs and before the next), at most
 * {@code hes.interop.concurrency} meters at once in this replica, and the verdict (with its pcap) is written before
 * the job completes.
 */
@ApplicationScoped
public class InteropProbeHandler implements MeterProcedure<InteropProbe> {

    public static final String OPERATION = "INTEROP_PROBE";

    private final MeterSessions sessions;
    private final InteropRunStore store;
    private final InteropResultWriter writer;
    private final AssociationConfig config;
    private final VendorDeclarations declarations;
    private final ProbeSlots slots;

    public InteropProbeHandler(MeterSessions sessions, InteropRunStore store, InteropResultWriter writer,
                               AssociationConfig config, VendorDeclarations declarations) {
        this.sessions = sessions;
        this.store = store;
        this.writer = writer;
        this.config = config;
        this.declarations = declarations;
        this.slots = new ProbeSlots(config.interop().concurrency());
    }

    @Override
    public Class<InteropProbe> commandClass() {
        return InteropProbe.class;
    }

    @Override
    public String operation() {
        return OPERATION;
    }

    @Override
    public Future<Done> run(Meter meter, InteropProbe probe, String jobId) {
        return Future.fromCompletionStage(store.probeState(probe.runId(), meter.meterId()).subscribeAsCompletionStage())
                .compose(state -> decide(meter, probe, state));
    }

    private Future<Done> decide(Meter meter, InteropProbe probe, Optional<InteropRunStore.ProbeState> state) {
        if (state.isEmpty()) {
            return Future.succeededFuture(notProbed(probe, "the meter is no target of run " + probe.runId()));
        }
        if (!"PENDING".equals(state.get().rowStatus())) {
            return Future.succeededFuture(notProbed(probe, "the meter's row is already " + state.get().rowStatus()));
        }
        if (!"RUNNING".equals(state.get().runStatus())) {
            return writer.write(InteropRunStore.Finished.cancelled(probe.runId(), meter.meterId()), null)
                    .map(v -> notProbed(probe, "run " + state.get().runStatus().toLowerCase()));
        }
        InteropPlan plan;
        try {
            plan = InteropPlan.of(probe.cases());
        } catch (IllegalArgumentException e) {
            return record(meter, probe, headEndFailure(meter, "the plan cannot be made: " + e.getMessage()), null);
        }
        PlanOptions options = PlanOptions.DEFAULTS.withAllowWrites(probe.allowWrites())
                .withLatencyBudget(config.interop().latencyBudget());
        WireCapture wire = probe.capture() ? WireCapture.recording(config.interop().captureMaxBytes())
                : WireCapture.counting();
        return slots.run(() -> sessions.exclusive(meter.meterId(), () -> target(meter).compose(t -> sessions.prober()
                        .probe(t, plan, options, sessions.counters(), wire))))
                .transform(ar -> {
                    if (ar.failed() && ar.cause() instanceof Admission.Closed) {
                        return Future.failedFuture(ar.cause()); // stopping, never started: back to the broker
                    }
                    MeterVerdict v = ar.succeeded() ? ar.result()
                            : headEndFailure(meter, "the probe could not run: " + ar.cause());
                    InteropRunStore.Capture pcap = ar.succeeded() && wire.records() ? new InteropRunStore.Capture(
                            probe.runId(), meter.meterId(), wire.pcap(), wire.pcapDroppedPackets()) : null;
                    return record(meter, probe, v, pcap);
                });
    }

    /** A meter removed from the registry since the run started: its row gets the head-end's verdict, the run ends. */
    @Override
    public Future<Void> notRun(String meterId, InteropProbe probe, MeterFailure why) {
        MeterVerdict v = new MeterVerdict(meterId, null, Instant.now(), 0, List.of(new CaseResult("run", "head-end",
                Verdict.FAIL, why.message() + "; the meter was not contacted", why.failureClass(), why.code(),
                List.of(), Map.of(), 0)));
        return writer.write(new InteropRunStore.Finished(probe.runId(), meterId, "DONE", v.overall().name(), 0, 1, 0,
                Reports.json(v).encode(), Instant.now()), null);
    }

    /** The meter as the plan sees it: public association, management association with its keys, declaration. */
    Future<ProbeTarget> target(Meter m) {
        SessionSettings open = new SessionSettings(m.host(), m.port(), m.transport(), 16, m.logicalDevice(),
                AuthenticationLevel.NONE, null, config.sessions().responseTimeout(), config.sessions().maxPduSize(), null);
        MeterDeclaration declaration = declarations.of(m.vendor()); // null: the cases that need one are SKIPPED
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

    private Future<Done> record(Meter meter, InteropProbe probe, MeterVerdict v, InteropRunStore.Capture pcap) {
        int passed = (int) v.count(Verdict.PASS);
        int failed = (int) v.count(Verdict.FAIL);
        int skipped = (int) v.count(Verdict.SKIPPED);
        InteropRunStore.Finished row = new InteropRunStore.Finished(probe.runId(), meter.meterId(), "DONE",
                v.overall().name(), passed, failed, skipped, Reports.json(v).encode(), Instant.now());
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("runId", probe.runId().toString());
        audit.put("verdict", v.overall().name());
        audit.put("passed", passed);
        audit.put("skipped", skipped);
        MeterFailure failure = null;
        if (v.overall() == Verdict.FAIL) {
            List<CaseResult> fails = v.results().stream().filter(CaseResult::failed).toList();
            CaseResult first = fails.get(0);
            failure = new MeterFailure(first.failureClass(), first.code(), "failed cases: " + fails.stream()
                    .map(r -> r.caseId() + " " + r.failureClass() + (r.code() == null ? "" : " " + r.code())).toList(),
                    first.evidence().stream().map(e -> e.direction() + " " + e.hex()).toList());
        }
        Done done = new Done(new InteropProbed(v.overall().name(), passed, failed, skipped, null), audit, failure);
        return writer.write(row, pcap).map(x -> done);
    }

    private static MeterVerdict headEndFailure(Meter m, String reason) {
        // the plan never fails on a meter's account; this is the head-end's: recorded, not lost
        return new MeterVerdict(m.meterId(), m.vendor(), Instant.now(), 0, List.of(new CaseResult("run", "head-end",
                Verdict.FAIL, reason, "HEAD_END", null, List.of(), Map.of(), 0)));
    }

    private static Done notProbed(InteropProbe probe, String reason) {
        return new Done(InteropProbed.notProbed(reason), Map.of("runId", probe.runId().toString(), "notProbed", reason),
                null);
    }
}
