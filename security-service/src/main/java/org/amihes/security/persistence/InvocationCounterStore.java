package org.amihes.security.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.amihes.security.domain.CounterWindow;

/**
 * Reserves windows of invocation counters with one atomic upsert, so concurrent reservations (several
 * association-service replicas, retries) never receive overlapping windows and a committed window is never handed
 * out again.
 */
@ApplicationScoped
public class InvocationCounterStore {

    /** The counter space of this key is used up: only a new key gives a meter new counters. */
    public static class CounterSpaceExhausted extends RuntimeException {
        public CounterSpaceExhausted(String message) {
            super(message);
        }
    }

    public record StoredCounter(String keyId, long next, OffsetDateTime updatedAt) {
    }

    private static final String RESERVE = """
            INSERT INTO security.invocation_counter AS c (meter_id, key_id, next_counter, updated_at)
            VALUES ($1, $2, $3::bigint + $4::bigint, now())
            ON CONFLICT (meter_id, key_id)
            DO UPDATE SET next_counter = GREATEST(c.next_counter, $3::bigint) + $4::bigint, updated_at = now()
            RETURNING next_counter""";

    private final Pool pool;

    public InvocationCounterStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * @param atLeast the lowest counter the window may start at (what a holder already used, or a meter's frame
     *                counter + 1 after a resynchronisation); the window starts above everything reserved before
     * @param count   how many counters to reserve
     */
    public Uni<CounterWindow> reserve(String meterId, String keyId, long atLeast, int count) {
        return pool.preparedQuery(RESERVE).execute(Tuple.of(meterId, keyId, atLeast, (long) count))
                .map(rows -> {
                    long limit = rows.iterator().next().getLong(0);
                    return new CounterWindow(meterId, keyId, limit - count, limit);
                })
                .onFailure(e -> e instanceof PgException pg && "23514".equals(pg.getSqlState()))
                .transform(e -> new CounterSpaceExhausted("the invocation counters of meter " + meterId + " under key "
                        + keyId + " cannot give " + count + " more from " + atLeast + " (the counter is 32 bits): "
                        + "change the key"));
    }

    public Uni<List<StoredCounter>> list(String meterId) {
        return pool.preparedQuery("SELECT key_id, next_counter, updated_at FROM security.invocation_counter "
                        + "WHERE meter_id = $1 ORDER BY key_id").execute(Tuple.of(meterId))
                .map(rows -> {
                    List<StoredCounter> out = new ArrayList<>();
                    for (Row row : rows) {
                        out.add(new StoredCounter(row.getString(0), row.getLong(1), row.getOffsetDateTime(2)));
                    }
                    return out;
                });
    }
}
