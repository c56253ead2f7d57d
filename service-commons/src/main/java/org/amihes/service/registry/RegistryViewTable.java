package org.amihes.service.registry;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amihes.contracts.RegisteredMeter;

/**
 * A service's own view of the meter registry in its own schema ({@code <schema>.meter (meter_id, vendor,
 * updated_at, tags text[])}, made by the service's migration), fed by association-service's registry events through
 * {@link RegistryViewConsumer}: no request ever asks association-service synchronously. The view may lag the registry
 * by an event. Each service that keeps one has a bean of a subclass naming its table.
 */
public abstract class RegistryViewTable {

    protected final Pool pool;
    protected final String table;

    /** @param table schema-qualified, e.g. {@code polling.meter}: a constant of the subclass, never user input */
    protected RegistryViewTable(Pool pool, String table) {
        this.pool = pool;
        this.table = table;
    }

    /** Upserts in one statement; a meter already seen with a newer {@code updatedAt} is kept. */
    public Uni<Void> apply(List<RegisteredMeter> meters) {
        if (meters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] ids = new String[meters.size()];
        String[] vendors = new String[meters.size()];
        OffsetDateTime[] times = new OffsetDateTime[meters.size()];
        String[] tags = new String[meters.size()];
        for (int i = 0; i < ids.length; i++) {
            RegisteredMeter m = meters.get(i);
            ids[i] = m.meterId();
            vendors[i] = m.vendor();
            times[i] = m.updatedAt().atOffset(ZoneOffset.UTC);
            tags[i] = String.join(",", m.tags()); // a tag has no ',' (MeterGroup.TAG): one text per meter for unnest
        }
        return pool.preparedQuery("INSERT INTO " + table + " AS v (meter_id, vendor, updated_at, tags) "
                        + "SELECT DISTINCT ON (i) i, ven, t, coalesce(string_to_array(nullif(g, ''), ','), '{}') "
                        + "FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS u(i, ven, t, g) "
                        + "ORDER BY i, t DESC "
                        + "ON CONFLICT (meter_id) DO UPDATE SET vendor = EXCLUDED.vendor, updated_at = EXCLUDED.updated_at, "
                        + "tags = EXCLUDED.tags WHERE v.updated_at < EXCLUDED.updated_at")
                .execute(Tuple.of(ids, vendors, times, tags)).replaceWithVoid();
    }

    public Uni<List<String>> allMeterIds() {
        return pool.query("SELECT meter_id FROM " + table + " ORDER BY meter_id").execute().map(rows -> {
            List<String> out = new ArrayList<>(rows.size());
            rows.forEach(r -> out.add(r.getString(0)));
            return out;
        });
    }

    /** The meters of a filter group ({@link MeterGroup#condition}), by id, in the caller's transaction. */
    public Uni<List<String>> matching(SqlClient client, MeterGroup filter) {
        return client.preparedQuery("SELECT meter_id FROM " + table + " WHERE " + MeterGroup.condition("$1", "$2")
                        + " ORDER BY meter_id")
                .execute(Tuple.of(filter.vendor(), filter.requiredTags().toArray(String[]::new))).map(rows -> {
                    List<String> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /** Whether any meter of the view is in a filter group. */
    public Uni<Boolean> anyMatching(MeterGroup filter) {
        return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM " + table + " WHERE " + MeterGroup.condition("$1", "$2") + ")")
                .execute(Tuple.of(filter.vendor(), filter.requiredTags().toArray(String[]::new)))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Optional<String>> vendorOf(String meterId) {
        return pool.preparedQuery("SELECT vendor FROM " + table + " WHERE meter_id = $1").execute(Tuple.of(meterId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
    }

    public Uni<Long> size() {
        return pool.query("SELECT count(*) FROM " + table).execute().map(rows -> rows.iterator().next().getLong(0));
    }
}
