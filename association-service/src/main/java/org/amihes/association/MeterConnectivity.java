package org.amihes.association;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.amihes.association.domain.MeterLiveness;
import org.amihes.association.domain.RoundTripEstimator;
import org.amihes.association.messaging.OutboxRelay;
import org.amihes.association.persistence.ConnectivityStore;
import org.amihes.contracts.MeterConnectivityChanged;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.service.messaging.Batcher;
import org.jboss.logging.Logger;

/**
 * What association-service knows of each meter's reachability, in the replica that owns the meter (its partition):
 * the meter's round trips and the response timeout they give ({@link RoundTripEstimator}), its failed jobs in a row,
 * the pause its next session waits and whether it is offline ({@link MeterLiveness}). Offline marks and their
 * clearing are written to the registry with an event in the outbox ({@link ConnectivityStore}), batched.
 */
@ApplicationScoped
public class MeterConnectivity {

    private static final Logger LOG = Logger.getLogger(MeterConnectivity.class);

    /** A decision to write: an offline mark, or (offline == null) a meter that answered. */
    private record Change(String meterId, ConnectivityStore.Offline offline) {
    }

    /** The meter API's view: the registry's mark, and this replica's measurements when it owns the meter. */
    public record View(String meterId, boolean online, Instant offlineSince, Integer offlineFailures,
                       String offlineReason, MeterLiveness.Snapshot liveness, RoundTripEstimator.Snapshot roundTrips) {
    }

    private final Map<String, MeterLiveness> liveness = new ConcurrentHashMap<>();
    private final Map<String, RoundTripEstimator> roundTrips = new ConcurrentHashMap<>();
    private final MeterLiveness.Rule rule;
    private final RoundTripEstimator.Rule timeouts;
    private final ConnectivityStore store;
    private final OutboxRelay relay;
    private final Vertx vertx;
    private final Batcher<Change> writes;
    private final Counter timedOut;
    private final Counter markedOffline;

    public MeterConnectivity(AssociationConfig config, ConnectivityStore store, OutboxRelay relay, Vertx vertx,
                             MeterRegistry metrics) {
        AssociationConfig.Offline o = config.offline();
        this.rule = new MeterLiveness.Rule(o.failures(), o.span(), o.backoff(), o.maxBackoff());
        AssociationConfig.Sessions s = config.sessions();
        this.timeouts = new RoundTripEstimator.Rule(s.responseTimeout(), s.adaptiveTimeoutMin(), s.adaptiveTimeoutMax(),
                s.adaptiveTimeoutK());
        this.store = store;
        this.relay = relay;
        this.vertx = vertx;
        this.writes = new Batcher<>(vertx, 500, 50, this::write);
        this.timedOut = Counter.builder("hes.sessions.timeouts")
                .description("meter sessions that ended with a request unanswered within the meter's timeout")
                .register(metrics);
        this.markedOffline = Counter.builder("hes.meters.marked.offline")
                .description("meters this replica marked offline").register(metrics);
    }

    /** The meter's round trips and the response timeout they give. */
    public RoundTripEstimator roundTrips(String meterId) {
        return roundTrips.computeIfAbsent(meterId, id -> new RoundTripEstimator(timeouts));
    }

    /** A session that ended with a request unanswered ({@code code}): the meter's timeout doubles when it was that. */
    public void sessionFailed(String meterId, FailureCode code) {
        if (code == FailureCode.NO_ANSWER || code == FailureCode.AARQ_UNANSWERED) {
            timedOut.increment();
            roundTrips(meterId).timedOut();
        }
    }

    /** Completes when the meter's next session may start (at once, unless its last jobs failed). */
    public Future<Void> pauseBefore(String meterId) {
        MeterLiveness l = liveness.get(meterId);
        Duration pause = l == null ? Duration.ZERO : l.pause(Instant.now(), ThreadLocalRandom.current().nextDouble());
        if (pause.isZero()) {
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        vertx.setTimer(Math.max(1, pause.toMillis()), id -> p.complete());
        return p.future();
    }

    /**
     * A job ended: {@code failureClass} null when it succeeded. NETWORK failures count towards offline (an operator's
     * session reset does not); any other meter-facing outcome means the meter answered; failures the head-end had
     * before contacting the meter say nothing about it.
     */
    public void jobEnded(String meterId, String failureClass, String code, String message) {
        boolean fromTheMeter = code != null && code.startsWith("DLMS-"); // HES-* codes: the meter was not contacted
        if (failureClass == null || fromTheMeter && (failureClass.equals("PROTOCOL") || failureClass.equals("VENDOR")
                || failureClass.equals("SECURITY"))) {
            if (live(meterId).answered()) {
                writes.add(new Change(meterId, null)).onFailure(e -> live(meterId).unconfirmed());
            }
        } else if (failureClass.equals("NETWORK") && !FailureCode.SESSION_RESET.code().equals(code)) {
            MeterLiveness l = live(meterId);
            Instant now = Instant.now();
            if (l.failed(now, code + ": " + message)) {
                MeterLiveness.Snapshot s = l.snapshot();
                markedOffline.increment();
                LOG.infof("meter %s marked offline after %d failed jobs since %s (%s)", meterId,
                        s.consecutiveFailures(), s.firstFailure(), code);
                writes.add(new Change(meterId, new ConnectivityStore.Offline(meterId, s.consecutiveFailures(),
                        s.firstFailure(), truncate(s.lastFailureText())))).onFailure(e -> l.unconfirmed());
            }
        }
    }

    /** The registry's mark and, if this replica has seen the meter, its measurements; empty for an unknown meter. */
    public Uni<Optional<View>> view(String meterId) {
        MeterLiveness l = liveness.get(meterId);
        RoundTripEstimator r = roundTrips.get(meterId);
        return store.find(meterId).map(found -> found.map(m -> new View(meterId, m.offlineSince() == null,
                m.offlineSince(), m.failures(), m.reason(), l == null ? null : l.snapshot(),
                r == null ? null : r.snapshot())));
    }

    private MeterLiveness live(String meterId) {
        return liveness.computeIfAbsent(meterId, id -> new MeterLiveness(rule));
    }

    private Future<Void> write(List<Change> batch) {
        List<ConnectivityStore.Offline> offline = new ArrayList<>();
        List<String> online = new ArrayList<>();
        for (Change c : batch) {
            if (c.offline() != null) {
                offline.add(c.offline());
            } else {
                online.add(c.meterId());
            }
        }
        return Future.fromCompletionStage(store.apply(offline, online).subscribeAsCompletionStage())
                .onSuccess(events -> {
                    if (!events.isEmpty()) {
                        events.stream().filter(MeterConnectivityChanged::online)
                                .forEach(e -> LOG.infof("meter %s back online (offline since %s)", e.meterId(), e.since()));
                        relay.kick();
                    }
                })
                .onFailure(e -> LOG.warnf("meter connectivity not written (%s); written again at the next outcome",
                        e.getMessage()))
                .mapEmpty();
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
    }
}
