package org.amihes.association.persistence;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * How association-service's replicas tell each other things: PostgreSQL LISTEN/NOTIFY on one connection per replica
 * (a NOTIFY is delivered once its transaction committed, to every replica listening, the sender included).
 * Reconnects by itself; what was sent while a replica was away is lost, so a listener that cannot afford that
 * registers a reconnect action too.
 */
@ApplicationScoped
public class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();
    private PgSubscriber subscriber;

    public Notifications(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                         @ConfigProperty(name = "quarkus.datasource.username") String user,
                         @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.vertx = vertx;
        this.options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring(15) : url)
                .setUser(user).setPassword(password);
    }

    /** Calls {@code handler} with the payload of every NOTIFY on {@code channel}; register before start-up ends. */
    public void listen(String channel, Consumer<String> handler) {
        channels.put(channel, handler);
        if (subscriber != null) {
            subscriber.channel(channel).handler(handler::accept);
        }
    }

    void onStart(@Observes @Priority(11) StartupEvent event) {
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        channels.forEach((channel, handler) -> subscriber.channel(channel).handler(handler::accept));
        subscriber.connect().onSuccess(v -> LOG.debugf("listening on %s", channels.keySet()))
                .onFailure(e -> LOG.warnf("cannot listen on %s (%s); retrying", channels.keySet(), e.getMessage()));
        subscriber.closeHandler(v -> LOG.warn("replica notification listener disconnected; reconnecting"));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
