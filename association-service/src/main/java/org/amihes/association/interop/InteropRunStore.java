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

/**
 * Interoperability runs and their per-meter verdicts (schema association, V20, V30, V50, V51), shared by every replica:
 * any replica answers for any run. Writes go in batches.
 */
@ApplicationScoped
public class InteropRunStore {

    /** Rows per INSERT of a run's targets. */
    static final int INSERT_BATCH = 1_000;

    public record Run(UUID runId, String status, List<String> cases, boolean allowWrites, boolean capture,
                      String selection, int targets, String requestedBy, Instant requestedAt, Instant publishedAt,
                      Instant finishedAt) {
    }

    /** A run stored under an Idempotency-Key and the digest of the request that started it. */
    public record Keyed(Run run, String requestDigest) {
    }

    /** A run's progress: target rows by status and DONE rows by verdict. */
    public record Progress(int pending, int done, int cancelled, Map<String, Integer> verdicts) {
    }

    public record MeterRow(String meterId, String vendor, String status, String verdict, Integer passed, Integer failed,
                           Integer skipped, String result, Instant completedAt) {
    }

    /** A meter's row settled: DONE with its verdict, or CANCELLED (verdict, counts and result null). */
    public record Finished(UUID runId, String meterId, String status, String verdict, Integer passed, Integer failed,
                           Integer skipped, String result, Instant completedAt) {

        public static Finished cancelled(UUID runId, String meterId) {
            return new Finished(runId, meterId, "CANCELLED", null, null, null, null, null, Instant.now());
        }
    }

    /** Where a meter's probe stands: the run's status and the meter's row's. */
    public record ProbeState(String runStatus, String rowStatus) {
    }

    /** A meter's recorded traffic (a run with capture), to be written. */
    public record Capture(UUID runId, String meterId, byte[] pcap, long droppedPackets) {
    }

    private final Pool pool;

    public InteropRunStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * The run and one PENDING row per target, in one transaction (batched inserts); under its Idempotency-Key and the
     * request's digest (both null without a key). A key stored already fails with a unique violation, nothing stored.
     */
    public Uni<Void> create(Run run, String idempotencyKey, String requestDigest, List<String[]> meterAndVendor) {
        return pool.withTransaction(c -> c.preparedQuery("INSERT INTO association.interop_run (run_id, status, cases, "
                        + "allow_writes, capture, selection, targets, requested_by, idempotency_key, request_digest) "
                        + "VALUES ($1, 'RUNNING', $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.from(java.util.Arrays.asList(run.runId(), String.join(",", run.cases()),
                        run.allowWrites(), run.capture(), run.selection(), run.targets(), run.requestedBy(),
                        idempotencyKey, requestDigest)))
                .chain(() -> insertTargets(c, run.runId(), meterAndVendor, 0)));
    }

    /** The run started under an Idempotency-Key, with the digest of the request that started it. */
    public Uni<Optional<Keyed>> findByIdempotencyKey(String key) {
        return pool.preparedQuery("SELECT * FROM association.interop_run WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? Optional.<Keyed>empty() : Optional.of(new Keyed(
                        run(rows.iterator().next()), rows.iterator().next().getString("request_digest"))));
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

    /** Rows of several meters settled in one batch; a row already settled is left alone (a repeat changes nothing). */
    public Uni<Void> finish(List<Finished> finished) {
        if (finished.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> batch = new ArrayList<>(finished.size());
        for (Finished f : finished) {
            batch.add(Tuple.from(java.util.Arrays.asList(f.runId(), f.meterId(), f.status(), f.verdict(), f.passed(),
                    f.failed(), f.skipped(), f.result(), f.completedAt().atOffset(ZoneOffset.UTC))));
        }
        return pool.preparedQuery("UPDATE association.interop_result SET status = $3, verdict = $4, passed = $5, "
                        + "failed = $6, skipped = $7, result = $8, completed_at = $9 "
                        + "WHERE run_id = $1 AND meter_id = $2 AND status = 'PENDING'")
                .executeBatch(batch).replaceWithVoid();
    }

    /** The run's and the meter's row's status; empty when the meter is no target of the run. */
    public Uni<Optional<ProbeState>> probeState(UUID runId, String meterId) {
        return pool.preparedQuery("SELECT r.status AS run_status, i.status AS row_status FROM association.interop_run r "
                        + "JOIN association.interop_result i ON i.run_id = r.run_id WHERE r.run_id = $1 AND i.meter_id = $2")
                .execute(Tuple.of(runId, meterId))
                .map(rows -> rows.size() == 0 ? Optional.<ProbeState>empty() : Optional.of(new ProbeState(
                        rows.iterator().next().getString("run_status"), rows.iterator().next().getString("row_status"))));
    }

    /**
     * Ends those of the runs with no PENDING row left: RUNNING ones DONE, CANCELLING ones CANCELLED. Called after the
     * rows' write committed, by every replica that wrote some: the last writer's call sees every row settled, and the
     * row lock on the run makes exactly one caller end it ({@code runIds} null: every open run). Answers the runs this
     * call ended, with their new status.
     */
    public Uni<Map<UUID, String>> endSettled(java.util.Collection<UUID> runIds) {
        if (runIds != null && runIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("UPDATE association.interop_run r SET status = CASE r.status WHEN 'RUNNING' THEN 'DONE' "
                        + "ELSE 'CANCELLED' END, finished_at = now() WHERE ($1::uuid[] IS NULL OR r.run_id = ANY($1::uuid[])) "
                        + "AND r.status IN ('RUNNING', 'CANCELLING') AND NOT EXISTS (SELECT 1 FROM "
                        + "association.interop_result i WHERE i.run_id = r.run_id AND i.status = 'PENDING') "
                        + "RETURNING r.run_id, r.status")
                .execute(Tuple.of(runIds == null ? null : runIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, String> out = new LinkedHashMap<>();
                    rows.forEach(r -> out.put(r.getUUID(0), r.getString(1)));
                    return out;
                });
    }

    /** Asks a RUNNING run to stop: its meters not yet probed settle as CANCELLED. False when it was not RUNNING. */
    public Uni<Boolean> cancel(UUID runId) {
        return pool.preparedQuery("UPDATE association.interop_run SET status = 'CANCELLING' WHERE run_id = $1 "
                        + "AND status = 'RUNNING'").execute(Tuple.of(runId)).map(rows -> rows.rowCount() == 1);
    }

    /** Every job of the run was confirmed by the broker. */
    public Uni<Void> published(UUID runId) {
        return pool.preparedQuery("UPDATE association.interop_run SET published_at = now() WHERE run_id = $1")
                .execute(Tuple.of(runId)).replaceWithVoid();
    }

    /** Runs not ended whose jobs were not all confirmed, requested longer than {@code age} ago. */
    public Uni<List<Run>> unpublished(java.time.Duration age) {
        return pool.preparedQuery("SELECT * FROM association.interop_run WHERE published_at IS NULL "
                        + "AND status IN ('RUNNING', 'CANCELLING') AND requested_at < now() - make_interval(secs => $1) "
                        + "ORDER BY requested_at LIMIT 10")
                .execute(Tuple.of((double) age.toMillis() / 1000)).map(rows -> {
                    List<Run> out = new ArrayList<>();
                    rows.forEach(r -> out.add(run(r)));
                    return out;
                });
    }

    /** The run's meters still PENDING, in id order. */
    public Uni<List<String>> pendingMeters(UUID runId) {
        return pool.preparedQuery("SELECT meter_id FROM association.interop_result WHERE run_id = $1 "
                        + "AND status = 'PENDING' ORDER BY meter_id").execute(Tuple.of(runId)).map(rows -> {
                            List<String> out = new ArrayList<>(rows.size());
                            rows.forEach(r -> out.add(r.getString(0)));
                            return out;
                        });
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
        OffsetDateTime published = r.getOffsetDateTime("published_at");
        return new Run(r.getUUID("run_id"), r.getString("status"), List.of(r.getString("cases").split(",")),
                r.getBoolean("allow_writes"), r.getBoolean("capture"), r.getString("selection"), r.getInteger("targets"),
                r.getString("requested_by"), r.getOffsetDateTime("requested_at").toInstant(),
                published == null ? null : published.toInstant(), finished == null ? null : finished.toInstant());
    }
}
