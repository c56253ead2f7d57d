package org.amihes.association.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Executed jobs' results in PostgreSQL (table {@code association.job_result}), as the message bytes of the result.
 * One multi-row statement per call; a job recorded twice keeps its first result.
 */
@ApplicationScoped
public class JobResultStore {

    private final Pool pool;

    public JobResultStore(Pool pool) {
        this.pool = pool;
    }

    public record Recorded(String jobId, byte[] result) {
    }

    public Uni<Void> record(List<Recorded> results) {
        String[] ids = new String[results.size()];
        Buffer[] bodies = new Buffer[results.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = results.get(i).jobId();
            bodies[i] = Buffer.buffer(results.get(i).result());
        }
        return pool.preparedQuery("INSERT INTO association.job_result (job_id, result) "
                        + "SELECT * FROM unnest($1::varchar[], $2::bytea[]) ON CONFLICT (job_id) DO NOTHING")
                .execute(Tuple.of(ids, bodies)).replaceWithVoid();
    }

    /** jobId → recorded result, for those of {@code jobIds} that have one. */
    public Uni<Map<String, byte[]>> find(List<String> jobIds) {
        return pool.preparedQuery("SELECT job_id, result FROM association.job_result WHERE job_id = ANY($1::varchar[])")
                .execute(Tuple.of(jobIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, byte[]> found = new HashMap<>();
                    for (Row row : rows) {
                        found.put(row.getString(0), row.getBuffer(1).getBytes());
                    }
                    return found;
                });
    }

    /** Forgets results older than {@code age}; answers how many. */
    public Uni<Integer> purgeOlderThan(Duration age) {
        return pool.preparedQuery("DELETE FROM association.job_result WHERE done_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) age.toSeconds())).map(rows -> rows.rowCount());
    }
}
