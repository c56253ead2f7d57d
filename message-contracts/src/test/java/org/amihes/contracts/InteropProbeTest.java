package org.amihes.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An interoperability run's per-meter job and its outcome on the wire, and what their constructors refuse. */
class InteropProbeTest {

    static final UUID RUN = UUID.fromString("5b0c1e9e-3f0a-4c55-9a57-2f6f3c1d0a11");

    @Test
    void aProbeJobAndItsOutcomeTravelWithTheirTypes() throws Exception {
        MeterJob job = new MeterJob("interop/" + RUN + "/M1", RUN.toString(), "M1", Instant.parse("2026-12-05T10:00:00Z"),
                new InteropProbe(RUN, List.of("transport.connect", "objects.clock"), false, true), "lab");
        String wire = MeterJobTest.JSON.writeValueAsString(new MeterJobBatch(List.of(job)));
        assertThat(wire).contains("\"command\":{\"type\":\"interop-probe\",\"runId\":\"" + RUN
                + "\",\"cases\":[\"transport.connect\",\"objects.clock\"],\"allowWrites\":false,\"capture\":true}");
        assertThat(MeterJobTest.JSON.readValue(wire, MeterJobBatch.class).jobs()).containsExactly(job);

        MeterJobResult ok = MeterJobResult.ok(job, null, new InteropProbed("FAIL", 1, 1, 0, null));
        String result = MeterJobTest.JSON.writeValueAsString(new MeterJobResultBatch(List.of(ok)));
        assertThat(result).contains("\"outcome\":{\"type\":\"interop-probe\",\"verdict\":\"FAIL\"");
        assertThat(MeterJobTest.JSON.readValue(result, MeterJobResultBatch.class).results()).containsExactly(ok);
        assertThat(ok.routingKey()).isEqualTo("result.interop-probe");
        assertThat(InteropProbed.notProbed("run cancelled").verdict()).isNull();
    }

    @Test
    void aProbeNeedsItsRunAndAtLeastOneCase() {
        assertThatThrownBy(() -> new InteropProbe(null, List.of("objects"), false, false))
                .isInstanceOf(ContractViolation.class).hasMessage("runId: required");
        assertThatThrownBy(() -> new InteropProbe(RUN, List.of(), false, false))
                .isInstanceOf(ContractViolation.class).hasMessageStartingWith("cases: missing or empty");
        assertThatThrownBy(() -> new InteropProbe(RUN, java.util.Arrays.asList("objects", null), false, false))
                .isInstanceOf(ContractViolation.class).hasMessage("cases[1]: required");
        assertThatThrownBy(() -> new InteropProbed("PASS", 1, 0, 0, "and not probed"))
                .isInstanceOf(ContractViolation.class).hasMessageStartingWith("verdict:");
        assertThatThrownBy(() -> InteropProbed.notProbed(null)).isInstanceOf(ContractViolation.class);
    }
}
