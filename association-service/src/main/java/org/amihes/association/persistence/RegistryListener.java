package org.amihes.association.persistence;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Arrays;
import java.util.List;
import org.amihes.association.domain.MeterDirectory;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's in-memory registry in step with the other replicas' writes: listens on
 * {@link MeterStore#CHANNEL} ({@link Notifications}) and loads the meters named, or the whole registry after a big
 * import.
 */
@ApplicationScoped
public class RegistryListener {

    private static final Logger LOG = Logger.getLogger(RegistryListener.class);

    private final MeterStore store;
    private final MeterDirectory directory;
    private final Notifications notifications;

    public RegistryListener(MeterStore store, MeterDirectory directory, Notifications notifications) {
        this.store = store;
        this.directory = directory;
        this.notifications = notifications;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        notifications.listen(MeterStore.CHANNEL, this::changed);
    }

    private void changed(String payload) {
        io.smallrye.mutiny.Uni<List<org.amihes.association.domain.Meter>> load = MeterStore.RELOAD.equals(payload)
                ? store.all() : store.byIds(Arrays.asList(payload.split(",")));
        load.subscribe().with(directory::putAll, e -> LOG.warnf("cannot load changed meters (%s)", e.getMessage()));
    }
}
