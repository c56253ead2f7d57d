package org.amihes.dlms;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One association's life around a piece of work, whatever the work (reading registers, a profile, a disconnect, a
 * key transfer): open it (with {@link AssociationDiagnosis} on failure), run the work, release it; on a failure
 * close it. A ciphered association takes its invocation counter from an {@link InvocationCounterStore} and advances
 * the store to what it reached, also when it failed (the meter may have seen the AARQ; a counter is never reused).
 * Non-blocking; sessions spread over {@link EventLoops}.
 */
public final class MeterAssociations {

    /**
     * What the work produced, with what the association adds.
     *
     * @param warnings              VENDOR deviations tolerated while associated (the work's and the session's)
     * @param nextInvocationCounter for a ciphered association, the counter to use next with this key; null otherwise
     */
    public record Done<T>(T value, List<String> warnings, Long nextInvocationCounter) {
    }

    private final Vertx vertx;
    private final EventLoops loops;
    private final Transports transports;
    private volatile java.util.function.BiConsumer<String, Notification> notifications;

    public MeterAssociations(Vertx vertx, EventLoops loops, Transports transports) {
        this.vertx = vertx;
        this.loops = loops;
        this.transports = transports;
    }

    /**
     * Where notifications meters push during associations go (meter id or, without one, the session's target), on the
     * session's context. Null keeps them in the session ({@link DlmsSession#notifications()}).
     */
    public void onNotification(java.util.function.BiConsumer<String, Notification> handler) {
        this.notifications = handler;
    }

    /**
     * Runs {@code work} in an association with the meter: ciphered ones use {@code counters} (see the class comment).
     *
     * @param work its warnings, if it has any, come back through {@code warningsOf}
     */
    public <T> Future<Done<T>> run(String meterId, SessionSettings settings, InvocationCounterStore counters,
                                   Function<DlmsSession, Future<T>> work) {
        if (settings.security() == null) {
            return run(meterId, settings, work, session -> { });
        }
        String keyId = MeterReader.counterKeyId(settings.security());
        return counters.next(meterId, keyId).compose(start -> {
            // what the meter may have seen: at least the AARQ's counter, all of the session's once it opened
            long[] reached = {start + 1};
            return run(meterId, settings.withSecurity(settings.security().withInvocationCounter(start)), work,
                    session -> reached[0] = Math.max(reached[0], session.invocationCounter()))
                    .compose(done -> counters.advance(meterId, keyId, done.nextInvocationCounter()).map(done),
                            failure -> counters.advance(meterId, keyId, reached[0])
                                    .transform(x -> Future.<Done<T>>failedFuture(failure)));
        });
    }

    /** Without invocation counters kept anywhere: for unciphered associations, or a ciphered one from its settings. */
    public <T> Future<Done<T>> run(SessionSettings settings, Function<DlmsSession, Future<T>> work) {
        return run(settings.target(), settings, work, session -> { });
    }

    private <T> Future<Done<T>> run(String meterId, SessionSettings settings, Function<DlmsSession, Future<T>> work,
                                    Consumer<DlmsSession> onFailure) {
        java.util.function.BiConsumer<String, Notification> sink = notifications;
        return AssociationDiagnosis.open(vertx, loops.next(), transports.forKind(settings.transport()), settings)
                .map(session -> sink == null ? session : session.onNotification(n -> sink.accept(meterId, n)))
                .compose(session -> work.apply(session).compose(value -> {
                            Long next = settings.security() == null ? null : session.invocationCounter();
                            return session.release().map(v -> new Done<>(value, new ArrayList<>(session.warnings()), next));
                        },
                        failure -> {
                            onFailure.accept(session);
                            return session.close().transform(x -> Future.failedFuture(failure));
                        }));
    }
}
