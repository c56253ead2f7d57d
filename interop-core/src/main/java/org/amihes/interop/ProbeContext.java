package org.amihes.interop;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.InvocationCounterStore;
import org.amihes.dlms.MeterAssociations;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;

/**
 * What a case works with: the target, the options, and associations with the meter (one at a time: the plan runs
 * its cases in turn). Ciphered associations take invocation counters from the store and advance it.
 */
public final class ProbeContext {

    private final Vertx vertx;
    private final Context context;
    private final Transports transports;
    private final MeterAssociations associations;
    private final InvocationCounterStore counters;
    private final ProbeTarget target;
    private final PlanOptions options;

    public ProbeContext(Vertx vertx, Context context, Transports transports, MeterAssociations associations,
                        InvocationCounterStore counters, ProbeTarget target, PlanOptions options) {
        this.vertx = vertx;
        this.context = context;
        this.transports = transports;
        this.associations = associations;
        this.counters = counters;
        this.target = target;
        this.options = options;
    }

    public ProbeTarget target() {
        return target;
    }

    public PlanOptions options() {
        return options;
    }

    public InvocationCounterStore counters() {
        return counters;
    }

    /** {@code work} in the meter's public association; released after, closed on a failure. */
    public <T> Future<T> inPublic(Function<DlmsSession, Future<T>> work) {
        return associations.run(target.publicAssociation(), work).map(MeterAssociations.Done::value);
    }

    /** {@code work} in an association with these settings (diagnosed on refusal; counters from the store). */
    public <T> Future<MeterAssociations.Done<T>> in(SessionSettings settings, Function<DlmsSession, Future<T>> work) {
        return settings.security() == null ? associations.run(settings, work)
                : associations.run(target.meterId(), settings, counters, work);
    }

    /** A bare association, without diagnosis nor counter store: for cases that must see the meter's first answer. */
    public Future<DlmsSession> openBare(SessionSettings settings) {
        return DlmsSession.open(vertx, context, transports.forKind(settings.transport()), settings);
    }
}
