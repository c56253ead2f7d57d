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
        // the batch statement with one entry: the counters' arithmetic is in one place
        return pool.preparedQuery(RESERVE_ALL).execute(Tuple.of(new String[] {meterId}, new String[] {keyId},
                        new Long[] {atLeast}, (long) count))
                .map(rows -> {
                    long limit = rows.iterator().next().getLong(2);
                    return new CounterWindow(meterId, keyId, limit - count, limit);
                })
                .onFailure(e -> e instanceof PgException pg && "23514".equals(pg.getSqlState()))
                .transform(e -> new CounterSpaceExhausted("the invocation counters of meter " + meterId + " under key "
                        + keyId + " cannot give " + count + " more from " + atLeast + " (the counter is 32 bits): "
                        + "change the key"));
    }

    /** One reservation of a batch; {@code atLeast} as in {@link #reserve}. */
    public record Wanted(String meterId, String keyId, long atLeast) {
    }

    /** A batch reservation's answer: the window, or why this meter and key got none. */
    public record Reserved(String meterId, String keyId, CounterWindow window, String refused) {
    }

    private static final String RESERVE_ALL = """
            INSERT INTO security.invocation_counter AS c (meter_id, key_id, next_counter, updated_at)
            SELECT m, k, a + $4::bigint, now() FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(m, k, a)
            ON CONFLICT (meter_id, key_id)
            DO UPDATE SET next_counter = GREATEST(c.next_counter, EXCLUDED.next_counter - $4::bigint) + $4::bigint,
                          updated_at = now()
            RETURNING meter_id, key_id, next_counter""";

    /**
     * Reserves a window of {@code count} for each, as {@link #reserve} would one by one, in one statement (one per
     * round where the same meter and key are asked for more than once: each gets its own window). Answers in the
     * order asked; a key whose counter space is used up is refused alone.
     */
    public Uni<List<Reserved>> reserveAll(List<Wanted> wanted, int count) {
        List<List<Integer>> rounds = new ArrayList<>();
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < wanted.size(); i++) {
            int round = seen.merge(wanted.get(i).meterId() + '\u0000' + wanted.get(i).keyId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(i);
        }
        Reserved[] answers = new Reserved[wanted.size()];
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (List<Integer> round : rounds) {
            chain = chain.chain(() -> reserveRound(wanted, round, count, answers));
        }
        return chain.map(v -> List.of(answers));
    }

    private Uni<Void> reserveRound(List<Wanted> wanted, List<Integer> round, int count, Reserved[] answers) {
        String[] meters = new String[round.size()];
        String[] keys = new String[round.size()];
        Long[] atLeast = new Long[round.size()];
        java.util.Map<String, Integer> index = new java.util.HashMap<>(round.size() * 2);
        for (int j = 0; j < round.size(); j++) {
            Wanted w = wanted.get(round.get(j));
            meters[j] = w.meterId();
            keys[j] = w.keyId();
            atLeast[j] = w.atLeast();
            index.put(w.meterId() + '\u0000' + w.keyId(), round.get(j));
        }
        return pool.preparedQuery(RESERVE_ALL).execute(Tuple.of(meters, keys, atLeast, (long) count))
                .invoke(rows -> {
                    for (Row row : rows) {
                        int i = index.get(row.getString(0) + '\u0000' + row.getString(1));
                        long limit = row.getLong(2);
                        answers[i] = new Reserved(row.getString(0), row.getString(1),
                                new CounterWindow(row.getString(0), row.getString(1), limit - count, limit), null);
                    }
                })
                .replaceWithVoid()
                // one key at the end of its counter space fails the statement: reserve this round one by one
                .onFailure(e -> e instanceof PgException pg && "23514".equals(pg.getSqlState()))
                .recoverWithUni(e -> {
                    Uni<Void> each = Uni.createFrom().voidItem();
                    for (int i : round) {
                        Wanted w = wanted.get(i);
                        each = each.chain(() -> reserve(w.meterId(), w.keyId(), w.atLeast(), count)
                                .map(window -> new Reserved(w.meterId(), w.keyId(), window, null))
                                .onFailure(CounterSpaceExhausted.class)
                                .recoverWithItem(x -> new Reserved(w.meterId(), w.keyId(), null, x.getMessage()))
                                .invoke(r -> answers[i] = r).replaceWithVoid());
                    }
                    return each;
                });
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
