package org.amihes.association.interop;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Interoperability runs and their per-meter verdicts (schema association, V20). Writes go in batches. */
@ApplicationScoped
public class InteropRunStore {

    /** Rows per INSERT of a run's targets. */
    static final int INSERT_BATCH = 1_000;

    public record Run(UUID runId, String status, List<String> cases, boolean allowWrites, String selection, int targets,
                      String requestedBy, Instant requestedAt, Instant finishedAt) {
    }

    /** A run's progress: target rows by status and DONE rows by verdict. */
    public record Progress(int pending, int done, int cancelled, Map<String, Integer> verdicts) {
    }

    public record MeterRow(String meterId, String vendor, String status, String verdict, Integer passed, Integer failed,
                           Integer skipped, String result, Instant completedAt) {
    }

    /** A meter's finished verdict, to be written. */
    public record Finished(UUID runId, String meterId, String verdict, int passed, int failed, int skipped,
                           String result, Instant completedAt) {
    }

    /** A meter's recorded traffic (a run with capture), to be written. */
    public record Capture(UUID runId, String meterId, byte[] pcap, long droppedPackets) {
    }

    private final Pool pool;

    public InteropRunStore(Pool pool) {
        this.pool = pool;
    }

    /** The run and one PENDING row per target, in one transaction (batched inserts). */
    public Uni<Void> create(Run run, List<String[]> meterAndVendor) {
        return pool.withTransaction(c -> c.preparedQuery("INSERT INTO association.interop_run (run_id, status, cases, "
                        + "allow_writes, selection, targets, requested_by) VALUES ($1, 'RUNNING', $2, $3, $4, $5, $6)")
                .execute(Tuple.from(List.of(run.runId(), String.join(",", run.cases()), run.allowWrites(),
                        run.selection(), run.targets(), run.requestedBy())))
                .chain(() -> insertTargets(c, run.runId(), meterAndVendor, 0)));
    }

    private Uni<Void> insertTargets(io.vertx.mutiny.sqlclient.SqlConnection c, UUID runId, List<String[]> rows,
                                    int from) {
        if (from >= rows.size()) {
            return Uni.createFrom().voidItem();
        }
        int to = Math.min(rows.size(), from + INSERT_BATCH);
        String[] ids = new String[to - from];
        String[] vendors = new String[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = rows.get(i)[0];
            vendors[i - from] = rows.get(i)[1];
        }
        return c.preparedQuery("INSERT INTO association.interop_result (run_id, meter_id, vendor, status) "
                        + "SELECT $1, m, v, 'PENDING' FROM unnest($2::varchar[], $3::varchar[]) AS t(m, v)")
                .execute(Tuple.of(runId, ids, vendors))
                .chain(() -> insertTargets(c, runId, rows, to));
    }

    /** Verdicts of several meters in one batch; a row already settled (cancelled) is left alone. */
    public Uni<Void> finish(List<Finished> finished) {
        if (finished.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> batch = new ArrayList<>(finished.size());
        for (Finished f : finished) {
            batch.add(Tuple.from(List.of(f.runId(), f.meterId(), f.verdict(), f.passed(), f.failed(), f.skipped(),
                    f.result(), f.completedAt().atOffset(ZoneOffset.UTC))));
        }
        return pool.preparedQuery("UPDATE association.interop_result SET status = 'DONE', verdict = $3, passed = $4, "
                        + "failed = $5, skipped = $6, result = $7, completed_at = $8 "
                        + "WHERE run_id = $1 AND meter_id = $2 AND status = 'PENDING'")
                .executeBatch(batch).replaceWithVoid();
    }

    /** Captures of several meters in one batch (V30); a repeated meter keeps its first capture. */
    public Uni<Void> captures(List<Capture> captures) {
        if (captures.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> batch = new ArrayList<>(captures.size());
        for (Capture c : captures) {
            batch.add(Tuple.of(c.runId(), c.meterId(), io.vertx.core.buffer.Buffer.buffer(c.pcap()),
                    c.droppedPackets()));
        }
        return pool.preparedQuery("INSERT INTO association.interop_capture (run_id, meter_id, pcap, dropped_packets) "
                        + "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .executeBatch(batch).replaceWithVoid();
    }

    /** A meter's pcap in a run, if one was recorded. */
    public Uni<Optional<byte[]>> capture(UUID runId, String meterId) {
        return pool.preparedQuery("SELECT pcap FROM association.interop_capture WHERE run_id = $1 AND meter_id = $2")
                .execute(Tuple.of(runId, meterId))
                .map(rows -> rows.size() == 0 ? Optional.<byte[]>empty()
                        : Optional.of(rows.iterator().next().getBuffer("pcap").getBytes()));
    }

    /** Ends the run: DONE, or CANCELLED with its still PENDING rows (the meters it never probed). */
    public Uni<Void> end(UUID runId, String status) {
        return pool.withTransaction(c -> c.preparedQuery("UPDATE association.interop_result SET status = 'CANCELLED' "
                        + "WHERE run_id = $1 AND status = 'PENDING' AND $2 = 'CANCELLED'").execute(Tuple.of(runId, status))
                .chain(() -> c.preparedQuery("UPDATE association.interop_run SET status = $2, finished_at = now() "
                        + "WHERE run_id = $1 AND status = 'RUNNING'").execute(Tuple.of(runId, status)))
                .replaceWithVoid());
    }

    public Uni<Optional<Run>> find(UUID runId) {
        return pool.preparedQuery("SELECT * FROM association.interop_run WHERE run_id = $1").execute(Tuple.of(runId))
                .map(rows -> rows.size() == 0 ? Optional.<Run>empty() : Optional.of(run(rows.iterator().next())));
    }

    public Uni<Progress> progress(UUID runId) {
        return pool.preparedQuery("SELECT status, verdict, count(*) AS n FROM association.interop_result "
                        + "WHERE run_id = $1 GROUP BY status, verdict").execute(Tuple.of(runId))
                .map(rows -> {
                    int pending = 0;
                    int done = 0;
                    int cancelled = 0;
                    Map<String, Integer> verdicts = new LinkedHashMap<>();
                    for (Row r : rows) {
                        int n = r.getLong("n").intValue();
                        switch (r.getString("status")) {
                            case "PENDING" -> pending += n;
                            case "DONE" -> {
                                done += n;
                                verdicts.merge(r.getString("verdict"), n, Integer::sum);
                            }
                            default -> cancelled += n;
                        }
                    }
                    return new Progress(pending, done, cancelled, verdicts);
                });
    }

    /** A page of the run's meter rows in id order; {@code vendor} null for all. */
    public Uni<List<MeterRow>> meters(UUID runId, String vendor, int offset, int limit) {
        return pool.preparedQuery("SELECT * FROM association.interop_result WHERE run_id = $1 "
                        + "AND ($2::varchar IS NULL OR vendor = $2) ORDER BY meter_id OFFSET $3 LIMIT $4")
                .execute(Tuple.of(runId, vendor, offset, limit))
                .map(rows -> {
                    List<MeterRow> out = new ArrayList<>();
                    for (Row r : rows) {
                        OffsetDateTime at = r.getOffsetDateTime("completed_at");
                        out.add(new MeterRow(r.getString("meter_id"), r.getString("vendor"), r.getString("status"),
                                r.getString("verdict"), r.getInteger("passed"), r.getInteger("failed"),
                                r.getInteger("skipped"), r.getString("result"), at == null ? null : at.toInstant()));
                    }
                    return out;
                });
    }

    private static Run run(Row r) {
        OffsetDateTime finished = r.getOffsetDateTime("finished_at");
        return new Run(r.getUUID("run_id"), r.getString("status"), List.of(r.getString("cases").split(",")),
                r.getBoolean("allow_writes"), r.getString("selection"), r.getInteger("targets"),
                r.getString("requested_by"), r.getOffsetDateTime("requested_at").toInstant(),
                finished == null ? null : finished.toInstant());
    }
}
