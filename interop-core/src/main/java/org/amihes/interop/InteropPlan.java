package org.amihes.interop;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The interoperability test plan: the one list of named cases, in the order they run on a meter. The CLI and
 * association-service both run it from here. A meter's cases run one after another (one association at a time);
 * when {@code transport.connect} fails the meter cannot be reached and the rest are SKIPPED saying so.
 */
public final class InteropPlan {

    public static final List<InteropCase> CASES = List.of(
            TransportCases.CONNECT, TransportCases.LATENCY,
            AssociationCases.MANAGEMENT, AssociationCases.REFUSE_UNAUTHENTICATED, AssociationCases.CONFORMANCE,
            AssociationCases.RELEASE,
            ObjectCases.LIST, ObjectCases.ENERGY, ObjectCases.CLOCK, ObjectCases.FIRMWARE_ID, ObjectCases.LOAD_PROFILE,
            ServiceCases.BLOCK_TRANSFER, ServiceCases.SELECTIVE_RANGE, ServiceCases.SELECTIVE_ENTRY,
            SecurityCases.WRONG_KEY, SecurityCases.REPLAYED_COUNTER, SecurityCases.SUITE_MISMATCH,
            IdempotencyCases.DISCONNECT, IdempotencyCases.FIRMWARE_REWRITE);

    private static final Map<String, InteropCase> BY_ID = new LinkedHashMap<>();

    static {
        CASES.forEach(c -> BY_ID.put(c.id(), c));
    }

    private final List<InteropCase> cases;

    private InteropPlan(List<InteropCase> cases) {
        this.cases = List.copyOf(cases);
    }

    public static InteropPlan all() {
        return new InteropPlan(CASES);
    }

    /**
     * The named cases, in plan order; an area name ("security") stands for all its cases. Every unknown name is
     * reported at once; an empty selection is the whole plan.
     */
    public static InteropPlan of(List<String> names) {
        if (names == null || names.isEmpty()) {
            return all();
        }
        Set<String> wanted = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            if (BY_ID.containsKey(name)) {
                wanted.add(name);
            } else if (CASES.stream().anyMatch(c -> c.area().label().equals(name))) {
                CASES.stream().filter(c -> c.area().label().equals(name)).forEach(c -> wanted.add(c.id()));
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown case(s) " + unknown + "; known: " + BY_ID.keySet()
                    + " or an area: transport, association, objects, services, security, idempotency");
        }
        return new InteropPlan(CASES.stream().filter(c -> wanted.contains(c.id())).toList());
    }

    public List<InteropCase> cases() {
        return cases;
    }

    public List<String> caseIds() {
        return cases.stream().map(InteropCase::id).toList();
    }

    /** Runs every case on the meter in turn. Never fails: each case ends as PASS, FAIL or SKIPPED. */
    public Future<MeterVerdict> run(ProbeContext probe) {
        Instant started = probe.options().clock().instant();
        long start = System.nanoTime();
        List<CaseResult> results = new ArrayList<>(cases.size());
        Future<Void> chain = Future.succeededFuture();
        for (InteropCase c : cases) {
            chain = chain.compose(v -> runOne(c, probe, results)).map(r -> {
                results.add(r);
                return null;
            });
        }
        return chain.map(v -> new MeterVerdict(probe.target().meterId(), probe.target().vendor(), started,
                (System.nanoTime() - start) / 1_000_000, results));
    }

    private static Future<CaseResult> runOne(InteropCase c, ProbeContext probe, List<CaseResult> before) {
        CaseResult connect = before.stream().filter(r -> r.caseId().equals(TransportCases.CONNECT.id())).findFirst()
                .orElse(null);
        if (connect != null && connect.failed() && "NETWORK".equals(connect.failureClass())) {
            return Future.succeededFuture(Outcome.skipped("the meter could not be reached (transport.connect: "
                    + connect.reason() + ")").result(c, 0));
        }
        long start = System.nanoTime();
        Future<Outcome> outcome;
        try {
            outcome = c.run(probe);
        } catch (RuntimeException e) {
            outcome = Future.failedFuture(e);
        }
        return outcome.otherwise(Outcome::failed).map(o -> o.result(c, (System.nanoTime() - start) / 1_000_000));
    }
}
