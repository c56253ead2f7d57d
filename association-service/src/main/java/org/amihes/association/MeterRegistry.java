package org.amihes.association;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.association.persistence.MeterStore;

/** Registry writes: PostgreSQL first, then the in-memory directory, so memory never holds what was not stored. */
@ApplicationScoped
public class MeterRegistry {

    private final MeterStore store;
    private final MeterDirectory directory;

    public MeterRegistry(MeterStore store, MeterDirectory directory) {
        this.store = store;
        this.directory = directory;
    }

    public Uni<MeterStore.Outcome> upsert(Meter meter) {
        return store.upsert(meter).invoke(o -> directory.put(meter));
    }

    public Uni<MeterStore.ImportSummary> importAll(List<Meter> meters) {
        Set<String> seen = new HashSet<>();
        for (Meter m : meters) {
            if (!seen.add(m.meterId())) {
                return Uni.createFrom().failure(new BadRequestException("the registry lists meter '" + m.meterId() + "' twice"));
            }
        }
        return store.upsertAll(meters).invoke(summary -> directory.putAll(meters));
    }
}
