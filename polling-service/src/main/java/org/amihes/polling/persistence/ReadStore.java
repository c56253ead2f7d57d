package org.amihes.polling.persistence;

import org.amihes.service.rest.IdempotencyKey;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
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
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadProfile;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.RegisterValue;
import org.amihes.polling.domain.BatchProgress;
import org.amihes.polling.domain.Reading;
import org.amihes.polling.profiles.ProfileStore;
import org.amihes.polling.mdms.MdmsOutbox;
import org.amihes.contracts.MdmsReading;

/**
 * Read batches, jobs and readings in PostgreSQL (schema {@code polling}). The hot paths are set-oriented SQL on
 * the reactive client: one multi-row statement per chunk, upserts with ON CONFLICT, one transaction per ingest
 * batch. An ORM would add a round trip and an object per row here and nothing in return.
 */
@ApplicationScoped
public class ReadStore {

    private static final int CHUNK = 1000;

    private final Pool pool;
    private final ProfileStore profiles;
    private final MdmsOutbox outbox;

    public ReadStore(Pool pool, ProfileStore profiles, MdmsOutbox outbox) {
        this.pool = pool;
        this.profiles = profiles;
        this.outbox = outbox;
    }

    /** What a batch was asked for, to tell a repeated request from another one under the same idempotency key. */
    public record StoredRequest(UUID batchId, int requested, List<String> registers, List<String> meterIds) {
    }

    public Uni<Optional<StoredRequest>> batchByIdempotencyKey(String key) {
        return pool.preparedQuery("SELECT b.batch_id, b.requested, b.registers, "
                        + "(SELECT array_agg(j.meter_id ORDER BY j.meter_id) FROM polling.read_job j WHERE j.batch_id = b.batch_id) "
                        + "FROM polling.read_batch b WHERE b.idempotency_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    String[] meters = r.getArrayOfStrings(3);
                    return Optional.of(new StoredRequest(r.getUUID(0), r.getInteger(1),
                            List.of(r.getString(2).split(",")), meters == null ? List.of() : List.of(meters)));
                });
    }

    /**
     * Fails with 409 when a schedule's manual run ({@code POST /schedules/{id}/run}) used this idempotency key: such a
     * key names no read batch, but it is taken.
     */
    public Uni<Void> refuseScheduleRunKey(String key) {
        return pool.preparedQuery("SELECT schedule_id FROM polling.schedule_fire WHERE idempotency_key = $1")
                .execute(Tuple.of(key))
                .invoke(rows -> {
                    if (rows.size() > 0) {
                        throw IdempotencyKey.reused(key, "a run of schedule " + rows.iterator().next().getUUID(0));
                    }
                }).replaceWithVoid();
    }

    /** The batch and all its jobs (PENDING), atomically: a crash never leaves a batch without its jobs. */
    public Uni<Void> createBatch(UUID batchId, List<MeterJob> jobs, List<String> registers, String idempotencyKey) {
        return pool.withTransaction(conn -> createBatch(conn, batchId, jobs, registers, idempotencyKey));
    }

    /** The same inside the caller's transaction (a schedule's fire stores its batch with the fire). */
    public Uni<Void> createBatch(SqlConnection conn, UUID batchId, List<MeterJob> jobs, List<String> registers,
                                 String idempotencyKey) {
        return conn.preparedQuery("INSERT INTO polling.read_batch (batch_id, requested, registers, idempotency_key, "
                        + "priority) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(batchId, jobs.size(), String.join(",", registers), idempotencyKey, priority(jobs)))
                .chain(() -> insertJobs(conn, batchId, jobs));
    }

    /** The admission priority of a batch's jobs (one for all of them), as stored with the batch. */
    public static String priority(List<MeterJob> jobs) {
        return (jobs.isEmpty() ? org.amihes.contracts.JobPriority.ON_DEMAND : jobs.get(0).priority()).name();
    }

    /** Whether the batch still has jobs without a result. */
    public Uni<Boolean> running(SqlConnection conn, UUID batchId) {
        return conn.preparedQuery("SELECT EXISTS (SELECT 1 FROM polling.read_job WHERE batch_id = $1 AND status = 'PENDING')")
                .execute(Tuple.of(batchId)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    private Uni<Void> insertJobs(SqlConnection conn, UUID batchId, List<MeterJob> jobs) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < jobs.size(); from += CHUNK) {
            List<MeterJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + CHUNK));
            chain = chain.chain(() -> conn.preparedQuery("INSERT INTO polling.read_job (job_id, batch_id, meter_id, status) "
                            + "SELECT j, $1, m, 'PENDING' FROM unnest($2::text[], $3::text[]) AS t(j, m)")
                    .execute(Tuple.of(batchId, chunk.stream().map(MeterJob::jobId).toArray(String[]::new),
                            chunk.stream().map(MeterJob::meterId).toArray(String[]::new)))
                    .replaceWithVoid());
        }
        return chain;
    }

    /**
     * Stores a set of results in one transaction. Idempotent, exactly once in effect: a job leaves PENDING once, and
     * readings are stored only with the result that moved their job out of PENDING, so a redelivered result, or a
     * job executed again after a lost acknowledgement (another meter time), adds nothing.
     */
    public Uni<Void> saveResults(List<MeterJobResult> results) {
        Map<String, MeterJobResult> byJob = new LinkedHashMap<>();
        results.forEach(r -> byJob.putIfAbsent(r.jobId(), r));
        List<MeterJobResult> unique = List.copyOf(byJob.values());
        String[] jobIds = new String[unique.size()];
        String[] statuses = new String[unique.size()];
        String[] classes = new String[unique.size()];
        String[] codes = new String[unique.size()];
        String[] messages = new String[unique.size()];
        OffsetDateTime[] completed = new OffsetDateTime[unique.size()];
        String[] associations = new String[unique.size()];
        for (int i = 0; i < unique.size(); i++) {
            MeterJobResult r = unique.get(i);
            boolean failed = r.status() == MeterJobResult.Status.FAILED;
            jobIds[i] = r.jobId();
            statuses[i] = r.status().name();
            classes[i] = failed ? r.failure().failureClass() : null;
            codes[i] = failed ? r.failure().code() : null;
            messages[i] = failed ? r.failure().message() : null;
            completed[i] = utc(r.completedAt());
            associations[i] = r.association() == null ? null : r.association().length() <= 256
                    ? r.association() : r.association().substring(0, 256);
        }
        return pool.withTransaction(conn -> conn
                // the jobs moved out of PENDING now, and only those, are counted into their batch's tally (progress)
                .preparedQuery("WITH moved AS (UPDATE polling.read_job j SET status = r.status, "
                        + "failure_class = r.failure_class, failure_code = r.failure_code, "
                        + "failure_message = r.failure_message, completed_at = r.completed_at, association = r.association "
                        + "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], "
                        + "$7::text[]) AS r(job_id, status, failure_class, failure_code, failure_message, completed_at, "
                        + "association) "
                        + "WHERE j.job_id = r.job_id AND j.status = 'PENDING' "
                        + "RETURNING j.job_id, j.batch_id, j.status, j.failure_class, j.association, j.completed_at), "
                        + "tallied AS (INSERT INTO polling.read_batch_tally AS t (batch_id, status, failure_class, "
                        + "association, n, last) SELECT batch_id, status, coalesce(failure_class, ''), "
                        + "coalesce(association, ''), count(*), max(completed_at) FROM moved GROUP BY 1, 2, 3, 4 "
                        + "ORDER BY 1, 2, 3, 4 ON CONFLICT (batch_id, status, failure_class, association) "
                        + "DO UPDATE SET n = t.n + EXCLUDED.n, last = greatest(t.last, EXCLUDED.last)) "
                        + "SELECT job_id FROM moved")
                .execute(Tuple.tuple(List.of(jobIds, statuses, classes, codes, messages, completed, associations)))
                .chain(updated -> {
                    java.util.Set<String> done = new java.util.HashSet<>();
                    updated.forEach(row -> done.add(row.getString(0)));
                    List<MeterJobResult> moved = unique.stream().filter(r -> done.contains(r.jobId())).toList();
                    return insertReadings(conn, moved).chain(() -> profiles.insertIntervals(conn, moved));
                }));
    }

    private Uni<Void> insertReadings(SqlConnection conn, List<MeterJobResult> results) {
        List<String> meterIds = new ArrayList<>();
        List<String> obis = new ArrayList<>();
        List<OffsetDateTime> times = new ArrayList<>();
        List<java.math.BigDecimal> values = new ArrayList<>();
        List<java.math.BigDecimal> raws = new ArrayList<>();
        List<Integer> scalers = new ArrayList<>();
        List<String> units = new ArrayList<>();
        List<String> jobIds = new ArrayList<>();
        for (MeterJobResult r : results) {
            if (!(r.outcome() instanceof RegisterReadings readings)) {
                continue; // a failed job: no values
            }
            for (RegisterValue v : readings.values()) {
                meterIds.add(r.meterId());
                obis.add(v.obis());
                times.add(utc(readings.meterTime()));
                values.add(v.value());
                raws.add(v.raw());
                scalers.add(v.scaler());
                units.add(v.unit());
                jobIds.add(r.jobId());
            }
        }
        if (meterIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // The readings newly stored, and only those, go into the MDMS outbox in the same statement (MdmsOutbox).
        return conn.preparedQuery("WITH stored AS (INSERT INTO polling.reading (meter_id, obis, meter_time, value, raw, "
                        + "scaler, unit, job_id) "
                        + "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::numeric[], "
                        + "$5::numeric[], $6::int[], $7::text[], $8::text[]) ON CONFLICT DO NOTHING "
                        + "RETURNING meter_id, NULL::varchar AS profile, obis, meter_time AS capture_time, value, raw, scaler, unit, "
                        + "NULL::varchar AS status, job_id AS source, received_at AS stored_at) "
                        + outbox.insertFrom("stored", MdmsReading.Kind.REGISTER))
                .execute(Tuple.tuple(List.of(meterIds.toArray(String[]::new), obis.toArray(String[]::new),
                        times.toArray(OffsetDateTime[]::new), values.toArray(java.math.BigDecimal[]::new),
                        raws.toArray(java.math.BigDecimal[]::new), scalers.toArray(Integer[]::new),
                        units.toArray(String[]::new), jobIds.toArray(String[]::new))))
                .replaceWithVoid();
    }

    /** Every job of the batch was confirmed by the broker. */
    public Uni<Void> markPublished(UUID batchId) {
        return pool.preparedQuery("UPDATE polling.read_batch SET published_at = now() WHERE batch_id = $1")
                .execute(Tuple.of(batchId)).replaceWithVoid();
    }

    /** Batches stored more than {@code olderThan} ago whose jobs were never all confirmed by the broker. */
    public Uni<List<UUID>> unpublishedBatches(java.time.Duration olderThan) {
        return pool.preparedQuery("SELECT batch_id FROM polling.read_batch WHERE published_at IS NULL "
                        + "AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT 100")
                .execute(Tuple.of((double) olderThan.toMillis() / 1000))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    /** The batch's jobs still PENDING, as they were published (at the batch's priority). */
    public Uni<List<MeterJob>> pendingJobs(UUID batchId) {
        return pool.preparedQuery("SELECT j.job_id, j.meter_id, b.registers, b.created_at, b.priority, p.profile, "
                        + "p.range_from, p.range_to FROM polling.read_job j JOIN polling.read_batch b ON b.batch_id = j.batch_id "
                        + "LEFT JOIN polling.profile_job p ON p.job_id = j.job_id "
                        + "WHERE j.batch_id = $1 AND j.status = 'PENDING'")
                .execute(Tuple.of(batchId))
                .map(rows -> {
                    List<MeterJob> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new MeterJob(r.getString("job_id"), batchId.toString(), r.getString("meter_id"),
                                r.getOffsetDateTime("created_at").toInstant(),
                                r.getString("profile") != null
                                        ? ReadProfile.range(r.getString("profile"), r.getOffsetDateTime("range_from").toInstant(),
                                                r.getOffsetDateTime("range_to").toInstant())
                                        : new ReadRegisters(List.of(r.getString("registers").split(","))),
                                null, org.amihes.contracts.JobPriority.valueOf(r.getString("priority"))));
                    }
                    return out;
                });
    }

    public Uni<Optional<BatchProgress>> progress(UUID batchId) {
        return pool.preparedQuery("SELECT requested, created_at FROM polling.read_batch WHERE batch_id = $1")
                .execute(Tuple.of(batchId))
                .chain(batch -> {
                    if (batch.size() == 0) {
                        return Uni.createFrom().item(Optional.<BatchProgress>empty());
                    }
                    Row b = batch.iterator().next();
                    // the tally the ingest keeps (V53): a few rows, however large the batch
                    return pool.preparedQuery("SELECT status, nullif(failure_class, '') AS failure_class, "
                                    + "nullif(association, '') AS association, n, last FROM polling.read_batch_tally "
                                    + "WHERE batch_id = $1")
                            .execute(Tuple.of(batchId))
                            .map(rows -> {
                                int ok = 0;
                                int failed = 0;
                                Instant last = null;
                                Map<String, Integer> byClass = new LinkedHashMap<>();
                                Map<String, Integer> byAssociation = new java.util.TreeMap<>();
                                for (Row r : rows) {
                                    int n = r.getLong("n").intValue();
                                    String status = r.getString("status");
                                    if (r.getString("association") != null) {
                                        byAssociation.merge(r.getString("association"), n, Integer::sum);
                                    }
                                    if ("OK".equals(status)) {
                                        ok += n;
                                    } else if ("FAILED".equals(status)) {
                                        failed += n;
                                        byClass.merge(r.getString("failure_class"), n, Integer::sum);
                                    }
                                    OffsetDateTime t = r.getOffsetDateTime("last");
                                    if (t != null && (last == null || t.toInstant().isAfter(last))) {
                                        last = t.toInstant();
                                    }
                                }
                                int requested = b.getInteger("requested");
                                int completed = ok + failed;
                                return Optional.of(new BatchProgress(batchId, requested, completed, ok, failed, byClass,
                                        byAssociation,
                                        b.getOffsetDateTime("created_at").toInstant(), completed == requested ? last : null));
                            });
                });
    }

    public Uni<List<Reading>> readings(String meterId, String obis, Instant from, Instant to, int limit) {
        return pool.preparedQuery("SELECT meter_id, obis, meter_time, value, raw, scaler, unit, job_id, received_at "
                        + "FROM polling.reading WHERE meter_id = $1 AND ($2::text IS NULL OR obis = $2) "
                        + "AND ($3::timestamptz IS NULL OR meter_time >= $3) AND ($4::timestamptz IS NULL OR meter_time < $4) "
                        + "ORDER BY meter_time DESC, obis LIMIT $5")
                .execute(Tuple.of(meterId, obis, utc(from), utc(to), limit))
                .map(rows -> {
                    List<Reading> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Reading(r.getString("meter_id"), r.getString("obis"),
                                r.getOffsetDateTime("meter_time").toInstant(), r.getBigDecimal("value"),
                                r.getBigDecimal("raw"), r.getInteger("scaler"), r.getString("unit"), r.getString("job_id"),
                                r.getOffsetDateTime("received_at").toInstant()));
                    }
                    return out;
                });
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
