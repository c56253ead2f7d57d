package org.amihes.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.amihes.simulator.Faults;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plan under injected faults. This machine's kernel has no netem (CONFIG_NET_SCH_NETEM is not set), so the field
 * manual's {@code tc qdisc ... netem delay 100ms 20ms} is played by the simulator's fault injection, per answer
 * ({@link Faults}): the same delay and jitter, loss, malformed answers.
 */
class ResilienceIT {

    static SimulatedBench bench;
    static final List<String> PLAN = List.of("transport", "objects.energy", "objects.clock", "services.selective-entry");

    @BeforeAll
    static void start() throws Exception {
        bench = new SimulatedBench(8, List.of("aurora-ax1"), 1616, "127.17.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        bench.close();
    }

    @Test
    void underTheFieldManualsLatencyThePlanPassesAndTheLatencyIsMeasured() throws Exception {
        MeterSpec m = bench.simulator.fleet().meters().get(0);
        bench.simulator.setFaults(m.meterId(), Faults.latency(100, 20));
        MeterVerdict v = bench.probe(bench.target(m), InteropPlan.of(PLAN), SimulatedBench.options());
        assertThat(v.results()).allSatisfy(r -> assertThat(r.verdict()).as(r.caseId() + " " + r.reason())
                .isEqualTo(Verdict.PASS));
        CaseResult latency = v.results().get(1);
        assertThat(((Number) latency.facts().get("meanMs")).longValue()).isBetween(60L, 200L);
    }

    @Test
    void latencyOverTheBudgetFailsAsNetwork() throws Exception {
        MeterSpec m = bench.simulator.fleet().meters().get(1);
        bench.simulator.setFaults(m.meterId(), Faults.latency(400, 0));
        MeterVerdict v = bench.probe(bench.target(m), InteropPlan.of(List.of("transport.latency")),
                SimulatedBench.options().withLatencyBudget(java.time.Duration.ofMillis(250)));
        CaseResult r = v.results().get(0);
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.failureClass()).isEqualTo("NETWORK");
        assertThat(r.evidence()).isNotEmpty();
    }

    @Test
    void aMeterThatLosesEveryAnswerIsUnreachableAndTheRestIsSkipped() throws Exception {
        MeterSpec m = bench.simulator.fleet().meters().get(2);
        bench.simulator.setFaults(m.meterId(), Faults.NONE.withLoss(1.0));
        MeterVerdict v = bench.probe(bench.target(m), InteropPlan.of(PLAN), SimulatedBench.options());
        CaseResult connect = v.results().get(0);
        assertThat(connect.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(connect.failureClass()).isEqualTo("NETWORK");
        assertThat(connect.code()).isEqualTo("DLMS-105"); // TCP accepted, the AARQ never answered
        assertThat(connect.evidence()).anyMatch(e -> e.direction().equals("TX") && e.decoded().contains("<AssociationRequest>"));
        assertThat(v.results().subList(1, v.results().size()))
                .allSatisfy(r -> assertThat(r.verdict()).isEqualTo(Verdict.SKIPPED));
    }

    @Test
    void malformedAnswersAreProtocolFailuresWithTheMalformedFrame() throws Exception {
        MeterSpec m = bench.simulator.fleet().meters().get(3);
        bench.simulator.setFaults(m.meterId(), Faults.NONE.withMalformed(1.0));
        MeterVerdict v = bench.probe(bench.target(m), InteropPlan.of(List.of("transport.connect")),
                SimulatedBench.options());
        CaseResult r = v.results().get(0);
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.failureClass()).isEqualTo("PROTOCOL");
        assertThat(r.evidence()).anyMatch(e -> e.direction().equals("RX"));
    }
}
