package org.amihes.association.commands;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Commands asked for over REST, by Idempotency-Key (schema association, V5). */
@ApplicationScoped
public class CommandStore {

    /** A stored command; {@code result} is the job's result as JSON once it came back. */
    public record Stored(String idempotencyKey, String meterId, String commandType, String command, String jobId,
                         String status, String result, String requestedBy, Instant requestedAt, Instant completedAt) {
    }

    private static final String COLUMNS = "idempotency_key, meter_id, command_type, command, job_id, status, result, "
            + "requested_by, requested_at, completed_at";

    private final Pool pool;

    public CommandStore(Pool pool) {
        this.pool = pool;
    }

    /** Inserts the command unless its key is taken; answers what is stored under the key, and whether it is new. */
    public Uni<Optional<Stored>> insert(String key, String meterId, String type, String command, String jobId, String actor) {
        return pool.preparedQuery("INSERT INTO association.command (idempotency_key, meter_id, command_type, command, "
                        + "job_id, status, requested_by) VALUES ($1, $2, $3, $4, $5, 'PENDING', $6) "
                        + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING " + COLUMNS)
                .execute(Tuple.from(List.of(key, meterId, type, command, jobId, actor)))
                .map(rows -> rows.size() == 0 ? Optional.<Stored>empty() : Optional.of(stored(rows.iterator().next())));
    }

    public Uni<Optional<Stored>> find(String key) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM association.command WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? Optional.<Stored>empty() : Optional.of(stored(rows.iterator().next())));
    }

    public Uni<Void> published(String jobId) {
        return pool.preparedQuery("UPDATE association.command SET published_at = now() WHERE job_id = $1")
                .execute(Tuple.of(jobId)).replaceWithVoid();
    }

    /** The result of a command's job; a second result for it (a redelivery) changes nothing. */
    public Uni<Boolean> complete(String jobId, String status, String result, Instant completedAt) {
        return pool.preparedQuery("UPDATE association.command SET status = $2, result = $3, completed_at = $4 "
                        + "WHERE job_id = $1 AND status = 'PENDING'")
                .execute(Tuple.of(jobId, status, result, completedAt.atOffset(java.time.ZoneOffset.UTC)))
                .map(r -> r.rowCount() == 1);
    }

    /** Commands stored but never confirmed by the broker (the process died between the two), oldest first. */
    public Uni<List<Stored>> unpublished(Duration olderThan) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM association.command WHERE published_at IS NULL "
                        + "AND requested_at < now() - $1::interval ORDER BY requested_at LIMIT 1000")
                .execute(Tuple.of(olderThan.toMillis() + " milliseconds"))
                .map(rows -> {
                    List<Stored> out = new ArrayList<>();
                    rows.forEach(r -> out.add(stored(r)));
                    return out;
                });
    }

    private static Stored stored(Row r) {
        return new Stored(r.getString("idempotency_key"), r.getString("meter_id"), r.getString("command_type"),
                r.getString("command"), r.getString("job_id"), r.getString("status"), r.getString("result"),
                r.getString("requested_by"), r.getOffsetDateTime("requested_at").toInstant(),
                r.getOffsetDateTime("completed_at") == null ? null : r.getOffsetDateTime("completed_at").toInstant());
    }
}
