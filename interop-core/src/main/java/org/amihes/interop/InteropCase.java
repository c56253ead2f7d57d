package org.amihes.interop;

import io.vertx.core.Future;

/** One named test case of the plan. Runs on the probe's event loop; never blocks. */
public interface InteropCase {

    /** Stable name, {@code <area>.<what>}: what a run's subset, the REST results and the reports use. */
    String id();

    Area area();

    /** One line: what the case proves. */
    String title();

    /** Fails only for a bug of ours; every meter-facing failure is an {@link Outcome}. */
    Future<Outcome> run(ProbeContext probe);
}
