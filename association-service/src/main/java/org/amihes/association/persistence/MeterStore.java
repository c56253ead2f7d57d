package org.amihes.association.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.amihes.association.domain.Meter;

/** The registry in PostgreSQL. Writes are idempotent upserts: the same meter twice changes nothing. */
@ApplicationScoped
public class MeterStore {

    public enum Outcome { CREATED, UPDATED, UNCHANGED }

    public record ImportSummary(int created, int updated, int unchanged) {
    }

    public Uni<List<Meter>> all() {
        return Panache.withSession(() -> MeterEntity.<MeterEntity>listAll())
                .map(rows -> rows.stream().map(MeterEntity::toDomain).toList());
    }

    public Uni<Outcome> upsert(Meter meter) {
        return Panache.withTransaction(() -> upsertInSession(meter));
    }

    /** All in one transaction: an import either lands whole or not at all. */
    public Uni<ImportSummary> upsertAll(List<Meter> meters) {
        return Panache.withTransaction(() -> {
            int[] counts = new int[3];
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Meter m : meters) {
                chain = chain.chain(() -> upsertInSession(m)).invoke(o -> counts[o.ordinal()]++).replaceWithVoid();
            }
            return chain.map(v -> new ImportSummary(counts[0], counts[1], counts[2]));
        });
    }

    private Uni<Outcome> upsertInSession(Meter meter) {
        return MeterEntity.<MeterEntity>findById(meter.meterId()).chain(existing -> {
            if (existing == null) {
                MeterEntity row = new MeterEntity();
                row.assign(meter);
                row.createdAt = Instant.now();
                return row.persist().replaceWith(Outcome.CREATED);
            }
            if (existing.toDomain().equals(meter)) {
                return Uni.createFrom().item(Outcome.UNCHANGED);
            }
            existing.assign(meter);
            return Uni.createFrom().item(Outcome.UPDATED);
        });
    }
}
