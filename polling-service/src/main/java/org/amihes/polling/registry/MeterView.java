package org.amihes.polling.registry;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.amihes.contracts.RegisteredMeter;

/**
 * polling-service's view of the meter registry ({@code polling.meter}), fed by association-service's registry
 * events: no request here ever asks association-service synchronously. The view may lag the registry by an event;
 * a job for a meter the registry does not know comes back as HES-001.
 */
@ApplicationScoped
public class MeterView {

    private final Pool pool;

    public MeterView(Pool pool) {
        this.pool = pool;
    }

    /** Upserts in one statement; a meter already seen with a newer {@code updatedAt} is kept. */
    public Uni<Void> apply(List<RegisteredMeter> meters) {
        if (meters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] ids = new String[meters.size()];
        String[] vendors = new String[meters.size()];
        OffsetDateTime[] times = new OffsetDateTime[meters.size()];
        for (int i = 0; i < ids.length; i++) {
            RegisteredMeter m = meters.get(i);
            ids[i] = m.meterId();
            vendors[i] = m.vendor();
            times[i] = m.updatedAt().atOffset(ZoneOffset.UTC);
        }
        return pool.preparedQuery("INSERT INTO polling.meter AS v (meter_id, vendor, updated_at) "
                        + "SELECT DISTINCT ON (i) i, ven, t FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(i, ven, t) "
                        + "ORDER BY i, t DESC "
                        + "ON CONFLICT (meter_id) DO UPDATE SET vendor = EXCLUDED.vendor, updated_at = EXCLUDED.updated_at "
                        + "WHERE v.updated_at < EXCLUDED.updated_at")
                .execute(Tuple.of(ids, vendors, times)).replaceWithVoid();
    }

    public Uni<List<String>> allMeterIds() {
        return pool.query("SELECT meter_id FROM polling.meter ORDER BY meter_id").execute().map(rows -> {
            List<String> out = new ArrayList<>(rows.size());
            rows.forEach(r -> out.add(r.getString(0)));
            return out;
        });
    }

    public Uni<Boolean> knows(String meterId) {
        return pool.preparedQuery("SELECT 1 FROM polling.meter WHERE meter_id = $1 UNION ALL "
                        + "SELECT 1 FROM polling.reading WHERE meter_id = $1 LIMIT 1")
                .execute(Tuple.of(meterId)).map(rows -> rows.size() > 0);
    }

    public Uni<java.util.Optional<String>> vendorOf(String meterId) {
        return pool.preparedQuery("SELECT vendor FROM polling.meter WHERE meter_id = $1").execute(Tuple.of(meterId))
                .map(rows -> rows.size() == 0 ? java.util.Optional.empty() : java.util.Optional.of(rows.iterator().next().getString(0)));
    }

    public Uni<Long> size() {
        return pool.query("SELECT count(*) FROM polling.meter").execute().map(rows -> rows.iterator().next().getLong(0));
    }
}
