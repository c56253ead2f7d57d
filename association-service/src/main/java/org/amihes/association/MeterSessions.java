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
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InvocationCounterStore;
import java.util.function.Function;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.MeterAssociations;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;

/**
 * The only door to meters: every session passes per-meter serialisation (one association per meter) and then
 * admission control (a bound on sessions open at once), and runs on the shared event loops.
 */
@ApplicationScoped
public class MeterSessions {

    private final Vertx vertx;
    private final AssociationConfig config;
    private final PerMeterSerializer serializer = new PerMeterSerializer();
    private final Admission admission;
    private MeterAssociations associations;
    private InvocationCounterStore counters;
    private SecurityServiceCredentials credentialSource;
    private CredentialCache credentials;

    private final ClientCredentials clientCredentials;

    public MeterSessions(Vertx vertx, AssociationConfig config, ClientCredentials clientCredentials) {
        this.vertx = vertx;
        this.config = config;
        this.clientCredentials = clientCredentials;
        this.admission = new Admission(config.sessions().maxConcurrent());
    }

    void onStart(@Observes @Priority(5) StartupEvent event) throws Exception {
        int loops = config.sessions().eventLoops() > 0 ? config.sessions().eventLoops()
                : Runtime.getRuntime().availableProcessors();
        EventLoops eventLoops = EventLoops.deploy(vertx, loops).toCompletionStage().toCompletableFuture().get();
        associations = new MeterAssociations(vertx, eventLoops, new Transports(vertx, config.sessions().connectTimeout()));
        SecurityServiceClient securityService = new SecurityServiceClient(vertx, config.securityService().url(),
                config.securityService().timeout(), clientCredentials.configured() ? this::accessToken : null);
        counters = new InvocationCounterWindows(new SecurityServiceCounterReservations(securityService),
                config.counters().window(), config.counters().headroom());
        credentialSource = new SecurityServiceCredentials(securityService);
        credentials = new CredentialCache(config.keys().cacheSize(), config.keys().cacheTtl(), System::nanoTime);
    }

    /** association-service's access token, on the calling Vert.x context (an event loop of a session). */
    private Future<String> accessToken() {
        io.vertx.core.Context context = Vertx.currentContext();
        return Future.fromCompletionStage(clientCredentials.accessToken().subscribeAsCompletionStage(),
                context != null ? context : vertx.getOrCreateContext());
    }

    /** A meter's credentials under its security profile: from memory, else from security-service. */
    public Future<MeterCredentials> credentials(Meter meter) {
        return credentials.get(meter.meterId() + "/" + meter.securityProfile(),
                () -> credentialSource.fetch(meter.meterId(), meter.securityProfile()));
    }

    /** Forgets a meter's credentials (its association refused them): the next session asks again. */
    public void forgetCredentials(Meter meter) {
        credentials.invalidate(meter.meterId() + "/" + meter.securityProfile());
    }

    /** Runs {@code work} in an association with the meter, alone with it, within the bound on open sessions. */
    public <T> Future<MeterAssociations.Done<T>> run(String meterId, SessionSettings settings,
                                                     Function<DlmsSession, Future<T>> work) {
        return exclusive(meterId, () -> associations.run(meterId, settings, counters, work));
    }

    private <T> Future<T> exclusive(String meterId, Supplier<Future<T>> work) {
        return serializer.submit(meterId, () -> admission.run(work));
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
