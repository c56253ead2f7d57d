package org.amihes.association;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.function.Supplier;
import org.amihes.association.client.SecurityServiceClient;
import org.amihes.service.security.ClientCredentials;
import org.amihes.association.client.SecurityServiceCounterReservations;
import org.amihes.association.client.SecurityServiceCredentials;
import org.amihes.association.domain.CredentialCache;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterCredentials;
import org.amihes.association.domain.Admission;
import org.amihes.association.domain.InvocationCounterWindows;
import org.amihes.association.domain.PerMeterSerializer;
import org.amihes.contracts.JobPriority;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InvocationCounterStore;
import java.util.function.Function;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.MeterAssociations;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;

/**
 * The only door to meters: every session passes per-meter serialisation (one association per meter) and then
 * admission control (bounds on sessions open at once and on new ones per second, on-demand work first), and runs on
 * the shared event loops.
 */
@ApplicationScoped
public class MeterSessions {

    private final Vertx vertx;
    private final AssociationConfig config;
    private final PerMeterSerializer serializer = new PerMeterSerializer();
    /** The association each meter has open in this replica right now (one at most: {@link #serializer}). */
    private final java.util.Map<String, DlmsSession> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final Admission admission;
    private MeterAssociations associations;
    private InvocationCounterStore counters;
    private SecurityServiceCredentials credentialSource;
    private org.amihes.association.client.SecurityServiceSystemTitles systemTitles;
    private CredentialCache credentials;
    private org.amihes.interop.Prober prober;

    private final ClientCredentials clientCredentials;

    private final MeterConnectivity connectivity;

    public MeterSessions(Vertx vertx, AssociationConfig config, ClientCredentials clientCredentials,
                         MeterConnectivity connectivity) {
        this.vertx = vertx;
        this.connectivity = connectivity;
        this.config = config;
        this.clientCredentials = clientCredentials;
        this.admission = new Admission(config.sessions().maxConcurrent(), config.sessions().newPerSecond(),
                config.sessions().newBurst(), System::nanoTime,
                (nanos, task) -> vertx.setTimer(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(nanos) + 1),
                        id -> task.run()));
    }

    void onStart(@Observes @Priority(5) StartupEvent event) throws Exception {
        int loops = config.sessions().eventLoops() > 0 ? config.sessions().eventLoops()
                : Runtime.getRuntime().availableProcessors();
        EventLoops eventLoops = EventLoops.deploy(vertx, loops).toCompletionStage().toCompletableFuture().get();
        Transports transports = new Transports(vertx, config.sessions().connectTimeout());
        associations = new MeterAssociations(vertx, eventLoops, transports);
        prober = new org.amihes.interop.Prober(vertx, eventLoops, transports);
        SecurityServiceClient securityService = new SecurityServiceClient(vertx, config.securityService().url(),
                config.securityService().timeout(), clientCredentials.configured() ? new SecurityServiceClient.Bearer() {
                    @Override
                    public Future<String> token() {
                        return accessToken();
                    }

                    @Override
                    public void refused(String token) {
                        clientCredentials.refused(token);
                    }
                } : null);
        counters = new InvocationCounterWindows(new SecurityServiceCounterReservations(vertx, securityService),
                config.counters().window(), config.counters().headroom());
        credentialSource = new SecurityServiceCredentials(vertx, securityService);
        systemTitles = new org.amihes.association.client.SecurityServiceSystemTitles(securityService);
        credentials = new CredentialCache(config.keys().cacheSize(), config.keys().cacheTtl(), System::nanoTime);
    }

    /** Where notifications meters push inside this service's associations go (the push listener's intake). */
    public void onNotification(java.util.function.BiConsumer<String, org.amihes.dlms.Notification> handler) {
        associations.onNotification(handler);
    }

    /** association-service's access token, on the calling Vert.x context (an event loop of a session). */
    private Future<String> accessToken() {
        io.vertx.core.Context context = Vertx.currentContext();
        return Future.fromCompletionStage(clientCredentials.accessToken().subscribeAsCompletionStage(),
                context != null ? context : vertx.getOrCreateContext());
    }

    /**
     * The meters whose keys carry this system title, the most recently delivered first (security-service, not cached:
     * the push listener keeps what it identified).
     */
    public Future<java.util.List<String>> metersWithSystemTitle(byte[] systemTitle) {
        return systemTitles.meters(systemTitle);
    }

    /** A meter's credentials under its security profile: from memory, else from security-service. */
    public Future<MeterCredentials> credentials(Meter meter) {
        return credentials.get(meter.meterId() + "/" + meter.securityProfile(),
                () -> credentialSource.fetch(meter.meterId(), meter.securityProfile()));
    }

    /**
     * The meter associated with key {@code version}: the credentials held for it try that version first from now on
     * (after a rotation's confirmation, the retired version is not offered to the meter before the new one).
     */
    public void keysAccepted(Meter meter, int version) {
        credentials.update(meter.meterId() + "/" + meter.securityProfile(), c -> c.preferring(version));
    }

    /** Forgets a meter's credentials (its association refused them): the next session asks again. */
    public void forgetCredentials(Meter meter) {
        credentials.invalidate(meter.meterId() + "/" + meter.securityProfile());
    }

    /**
     * Runs {@code work} in an association with the meter, alone with it, after the pause its failed jobs ask for
     * ({@link MeterConnectivity#pauseBefore}), once admitted ({@link Admission}: the bounds on open sessions and on new
     * ones per second, waiting work by {@code priority}), with the meter's own response timeout (from its measured round
     * trips), which the session's round trips then refine.
     */
    public <T> Future<MeterAssociations.Done<T>> run(String meterId, JobPriority priority, SessionSettings settings,
                                                     Function<DlmsSession, Future<T>> work) {
        org.amihes.association.domain.RoundTripEstimator rtt = connectivity.roundTrips(meterId);
        Function<DlmsSession, Future<T>> tracked = session -> {
            open.put(meterId, session);
            return work.apply(session).onComplete(x -> {
                open.remove(meterId, session);
                for (long nanos : session.roundTripsNanos()) {
                    rtt.sample(nanos);
                }
            });
        };
        return serializer.submit(meterId, () -> connectivity.pauseBefore(meterId).compose(v -> admission.run(priority,
                () -> associations.run(meterId, settings.withResponseTimeout(rtt.timeout()), counters, tracked)
                        .onFailure(e -> connectivity.sessionFailed(meterId,
                                org.amihes.dlms.failure.Classifier.classify(e, List.of()).code())))));
    }

    /**
     * Ends the meter's association if this replica has one open (a hung one, say): the request in flight fails at
     * once as DLMS-106, the job ends with it, and the meter's next job opens a new association. Its credentials are
     * forgotten too, so the next association fetches them again. True when an association was open here.
     */
    public Future<Boolean> reset(Meter meter, String reason) {
        forgetCredentials(meter);
        DlmsSession session = open.remove(meter.meterId());
        return session == null ? Future.succeededFuture(false) : session.abort(reason).map(true);
    }

    /**
     * Runs {@code work}, which may open several associations with the meter one after another (an interoperability
     * plan), alone with the meter: after its other work and before the next, admitted as on-demand work.
     */
    public <T> Future<T> exclusive(String meterId, Supplier<Future<T>> work) {
        return serializer.submit(meterId, () -> admission.run(work));
    }

    /** Runs interoperability plans on the sessions' event loops and transports (inside {@link #exclusive}). */
    public org.amihes.interop.Prober prober() {
        return prober;
    }

    /** The invocation counters every ciphered association of this service takes (security-service's windows). */
    public InvocationCounterStore counters() {
        return counters;
    }

    /** Stops starting sessions (waiting work fails with {@link Admission.Closed}); completes when none is open. */
    public Future<Void> drain() {
        return admission.close();
    }

    public int sessionsOpen() {
        return admission.inUse();
    }

    public int sessionsWaiting() {
        return admission.waiting();
    }
}
