package org.amihes.association;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.association.persistence.MeterStore;

/** Registry writes: PostgreSQL first, then the in-memory directory, so memory never holds what was not stored. */
@ApplicationScoped
public class MeterRegistry {

    private final MeterStore store;
    private final MeterDirectory directory;
    private final org.amihes.association.messaging.OutboxRelay relay;

    public MeterRegistry(MeterStore store, MeterDirectory directory, org.amihes.association.messaging.OutboxRelay relay) {
        this.store = store;
        this.directory = directory;
        this.relay = relay;
    }

    public Uni<MeterStore.Outcome> upsert(Meter meter) {
        return store.upsert(meter).invoke(o -> {
            directory.put(meter);
            relay.kick();
        });
    }

    /** Duplicates are refused by the parser ({@link org.amihes.association.rest.RegistryFileParser}) before. */
    public Uni<MeterStore.ImportSummary> importAll(List<Meter> meters) {
        return store.upsertAll(meters).invoke(summary -> {
            directory.putAll(meters);
            relay.kick();
        });
    }

    /**
     * The meter a job names: from memory, or, when this replica has not heard of it yet (registered through another
     * replica a moment ago), from PostgreSQL, then remembered.
     */
    public io.vertx.core.Future<java.util.Optional<Meter>> lookup(String meterId) {
        java.util.Optional<Meter> known = directory.find(meterId);
        if (known.isPresent()) {
            return io.vertx.core.Future.succeededFuture(known);
        }
        return io.vertx.core.Future.fromCompletionStage(store.find(meterId).invoke(found -> found.ifPresent(directory::put))
                .subscribeAsCompletionStage());
    }
}
