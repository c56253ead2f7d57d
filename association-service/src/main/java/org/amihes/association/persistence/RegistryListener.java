package org.amihes.association.persistence;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Arrays;
import java.util.List;
import org.amihes.association.domain.MeterDirectory;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's in-memory registry in step with the other replicas' writes: LISTENs on
 * {@link MeterStore#CHANNEL} (PostgreSQL delivers a NOTIFY only once its transaction committed) and loads the meters
 * named, or the whole registry after a big import. Reconnects by itself, and reloads everything after a reconnect
 * (notifications sent while it was away are lost).
 */
@ApplicationScoped
public class RegistryListener {

    private static final Logger LOG = Logger.getLogger(RegistryListener.class);

    private final Vertx vertx;
    private final MeterStore store;
    private final MeterDirectory directory;
    private final PgConnectOptions options;
    private PgSubscriber subscriber;

    public RegistryListener(Vertx vertx, MeterStore store, MeterDirectory directory,
                            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                            @ConfigProperty(name = "quarkus.datasource.username") String user,
                            @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.vertx = vertx;
        this.store = store;
        this.directory = directory;
        this.options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring(15) : url)
                .setUser(user).setPassword(password);
    }

    void onStart(@Observes @Priority(11) StartupEvent event) {
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(MeterStore.CHANNEL).handler(this::changed);
        subscriber.connect().onSuccess(v -> LOG.debugf("listening for registry changes on %s", MeterStore.CHANNEL))
                .onFailure(e -> LOG.warnf("cannot listen for registry changes (%s); retrying", e.getMessage()));
        subscriber.closeHandler(v -> LOG.warn("registry change listener disconnected; reconnecting"));
    }

    private void changed(String payload) {
        io.smallrye.mutiny.Uni<List<org.amihes.association.domain.Meter>> load = MeterStore.RELOAD.equals(payload)
                ? store.all() : store.byIds(Arrays.asList(payload.split(",")));
        load.subscribe().with(directory::putAll, e -> LOG.warnf("cannot load changed meters (%s)", e.getMessage()));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
