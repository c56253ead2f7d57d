package org.amihes.polling.registry;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import org.amihes.service.registry.RegistryViewTable;

/**
 * polling-service's view of the meter registry ({@code polling.meter}), fed by association-service's registry
 * events (service-commons {@link RegistryViewTable}). A job for a meter the registry does not know comes back as
 * HES-001.
 */
@Singleton // no client proxy: the base class keeps final fields
public class MeterView extends RegistryViewTable {

    public MeterView(Pool pool) {
        super(pool, "polling.meter");
    }

    /** Known to the view, or read before (a meter deleted since still has its readings). */
    public Uni<Boolean> knows(String meterId) {
        return pool.preparedQuery("SELECT 1 FROM polling.meter WHERE meter_id = $1 UNION ALL "
                        + "SELECT 1 FROM polling.reading WHERE meter_id = $1 LIMIT 1")
                .execute(Tuple.of(meterId)).map(rows -> rows.size() > 0);
    }
}
