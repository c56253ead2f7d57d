package org.amihes.interop;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InvocationCounterStore;
import org.amihes.dlms.MeterAssociations;
import org.amihes.dlms.Transports;

/** Runs a plan on a meter on Vert.x event loops: what the CLI and association-service call. */
public final class Prober {

    private final Vertx vertx;
    private final EventLoops loops;
    private final Transports transports;
    private final MeterAssociations associations;

    public Prober(Vertx vertx, EventLoops loops, Transports transports) {
        this.vertx = vertx;
        this.loops = loops;
        this.transports = transports;
        this.associations = new MeterAssociations(vertx, loops, transports);
    }

    /** The plan on one meter; ciphered associations take and advance invocation counters in {@code counters}. */
    public Future<MeterVerdict> probe(ProbeTarget target, InteropPlan plan, PlanOptions options,
                                      InvocationCounterStore counters) {
        return plan.run(new ProbeContext(vertx, loops.next(), transports, associations, counters, target, options));
    }
}
