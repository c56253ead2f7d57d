package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.UUID;

/**
 * One meter's part of an interoperability run (association-service's {@code POST /interop/runs}): the run's plan of
 * named cases, probed on the meter in associations of the probe's own (public, management, refused ones), alone with
 * the meter. Routed like every meter job, so the replica that holds the meter's partition probes it. Outcome
 * {@link InteropProbed}; the verdict itself (every case with its evidence) is stored with the run.
 *
 * @param runId       the run this meter is a target of
 * @param cases       the plan's case ids, in plan order (never empty)
 * @param allowWrites whether cases that write to the meter may run
 * @param capture     whether the meter's traffic is kept as a pcap
 */
public record InteropProbe(UUID runId, List<String> cases, boolean allowWrites, boolean capture)
        implements MeterCommand {

    public static final String TYPE = "interop-probe";

    public InteropProbe {
        ContractViolation.required("runId", runId);
        if (cases == null || cases.isEmpty()) {
            throw new ContractViolation("cases", "missing or empty; a probe runs at least one case");
        }
        for (int i = 0; i < cases.size(); i++) {
            ContractViolation.required("cases[" + i + "]", cases.get(i));
        }
        cases = List.copyOf(cases);
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
