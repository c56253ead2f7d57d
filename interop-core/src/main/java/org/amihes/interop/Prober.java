package org.amihes.interop;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InvocationCounterStore;
import org.amihes.dlms.MeterAssociations;
import org.amihes.dlms.Transports;
import org.amihes.dlms.capture.WireCapture;

/** Runs a plan on a meter on Vert.x event loops: what the CLI and association-service call. */
public final class Prober {

    private final Vertx vertx;
    private final EventLoops loops;
    private final Transports transports;

    public Prober(Vertx vertx, EventLoops loops, Transports transports) {
        this.vertx = vertx;
        this.loops = loops;
        this.transports = transports;
    }

    /** The plan on one meter; ciphered associations take and advance invocation counters in {@code counters}. */
    public Future<MeterVerdict> probe(ProbeTarget target, InteropPlan plan, PlanOptions options,
                                      InvocationCounterStore counters) {
        return probe(target, plan, options, counters, WireCapture.counting());
    }

    /**
     * The plan on one meter with its traffic going through {@code capture} (counted, and recorded when it records):
     * the verdict carries the capture's {@link org.amihes.dlms.capture.WireStats}.
     */
    public Future<MeterVerdict> probe(ProbeTarget target, InteropPlan plan, PlanOptions options,
                                      InvocationCounterStore counters, WireCapture capture) {
        Transports tapped = transports.tapped(capture);
        MeterAssociations associations = new MeterAssociations(vertx, loops, tapped);
        return plan.run(new ProbeContext(vertx, loops.next(), tapped, associations, counters, target, options))
                .map(v -> v.withWire(capture.stats()));
    }
}
