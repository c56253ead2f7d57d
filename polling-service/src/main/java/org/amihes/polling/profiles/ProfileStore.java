package org.amihes.polling.profiles;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.ProfileChannel;
import org.amihes.contracts.ProfileInterval;
import org.amihes.contracts.ProfileIntervals;
import org.amihes.contracts.MdmsReading;
import org.amihes.contracts.ReadProfile;
import org.amihes.polling.mdms.MdmsOutbox;

/**
 * Profile read batches and intervals in PostgreSQL: a profile batch is a read batch (its progress is the read
 * batch's), each job's profile and range in {@code profile_job}; intervals go to the day-partitioned
 * {@code profile_interval}, one multi-row statement per chunk, ON CONFLICT DO NOTHING.
 */
@ApplicationScoped
public class ProfileStore {

    private static final int CHUNK = 5000;

    private final Pool pool;
    private final MdmsOutbox outbox;
    /** Day partitions known to exist: checked once per day per process. */
    private final Set<LocalDate> partitions = ConcurrentHashMap.newKeySet();

    public ProfileStore(Pool pool, MdmsOutbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /**
     * The batch, its jobs (PENDING) and what each reads, and the meters' covered ranges, in one transaction;
     * {@code request} is what a client asked for ({@link ProfileReads#fingerprint}), null for backfill.
     */
    public Uni<Void> createBatch(UUID batchId, List<MeterJob> jobs, String idempotencyKey, String request,
                                 boolean backfill) {
        return pool.withTransaction(conn -> createBatch(conn, batchId, jobs, idempotencyKey, request, backfill));
    }

    /** The same inside the caller's transaction (a schedule's fire stores its batch with the fire). */
    public Uni<Void> createBatch(SqlConnection conn, UUID batchId, List<MeterJob> jobs, String idempotencyKey,
                                 String request, boolean backfill) {
        return conn.preparedQuery("INSERT INTO polling.read_batch (batch_id, requested, registers, idempotency_key, "
                        + "request, priority) VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(batchId, jobs.size(), backfill ? "profile-backfill" : "profile", idempotencyKey, request,
                        org.amihes.polling.persistence.ReadStore.priority(jobs)))
                .chain(() -> insertJobs(conn, batchId, jobs, backfill));
    }

    /** A stored batch a client asked for under an idempotency key: its request and its meters (sorted). */
    public record KeyedBatch(UUID batchId, int requested, String request, List<String> meterIds) {
    }

    public Uni<java.util.Optional<KeyedBatch>> batchByIdempotencyKey(String key) {
        return pool.preparedQuery("SELECT b.batch_id, b.requested, b.request, "
                        + "(SELECT array_agg(j.meter_id ORDER BY j.meter_id) FROM polling.read_job j WHERE j.batch_id = b.batch_id) "
                        + "FROM polling.read_batch b WHERE b.idempotency_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return java.util.Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    String[] meters = r.getArrayOfStrings(3);
                    return java.util.Optional.of(new KeyedBatch(r.getUUID(0), r.getInteger(1), r.getString(2),
                            meters == null ? List.of() : List.of(meters)));
                });
    }

    private static Uni<Void> insertJobs(SqlConnection conn, UUID batchId, List<MeterJob> jobs, boolean backfill) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < jobs.size(); from += CHUNK) {
            List<MeterJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + CHUNK));
            String[] ids = new String[chunk.size()];
            String[] meters = new String[chunk.size()];
            String[] profiles = new String[chunk.size()];
            OffsetDateTime[] froms = new OffsetDateTime[chunk.size()];
            OffsetDateTime[] tos = new OffsetDateTime[chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                MeterJob j = chunk.get(i);
                ReadProfile p = (ReadProfile) j.command();
                ids[i] = j.jobId();
                meters[i] = j.meterId();
                profiles[i] = p.profile();
                froms[i] = utc(p.from());
                tos[i] = utc(p.to());
            }
            Tuple arrays = Tuple.of(ids, meters, profiles, froms, tos);
            chain = chain
                    .chain(() -> conn.preparedQuery("INSERT INTO polling.read_job (job_id, batch_id, meter_id, status) "
                                    + "SELECT j, $1, m, 'PENDING' FROM unnest($2::text[], $3::text[]) AS t(j, m)")
                            .execute(Tuple.of(batchId, ids, meters)))
                    .chain(() -> conn.preparedQuery("INSERT INTO polling.profile_job (job_id, meter_id, profile, "
                                    + "range_from, range_to, backfill) SELECT j, m, p, f, t, " + backfill + " FROM "
                                    + "unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) "
                                    + "AS u(j, m, p, f, t)")
                            .execute(arrays))
                    .chain(() -> conn.preparedQuery("INSERT INTO polling.meter_profile AS mp (meter_id, profile, "
                                    + "covered_from, covered_to) SELECT m, p, f, t FROM unnest($2::text[], $3::text[], "
                                    + "$4::timestamptz[], $5::timestamptz[]) AS u(m, p, f, t) WHERE $1::text[] IS NOT NULL "
                                    + "ON CONFLICT (meter_id, profile) DO UPDATE SET "
                                    + "covered_from = least(mp.covered_from, EXCLUDED.covered_from), "
                                    + "covered_to = greatest(mp.covered_to, EXCLUDED.covered_to), updated_at = now()")
                            .execute(arrays))
                    .replaceWithVoid();
        }
        return chain;
    }

    /** The day partitions the results' intervals fall in, created when missing (outside the ingest transaction). */
    public Uni<Void> ensurePartitions(List<MeterJobResult> results) {
        Set<LocalDate> days = new java.util.TreeSet<>();
        for (MeterJobResult r : results) {
            if (r.outcome() instanceof ProfileIntervals p) {
                for (ProfileInterval i : p.intervals()) {
                    LocalDate day = LocalDate.ofInstant(i.capturedAt(), ZoneOffset.UTC);
                    if (!partitions.contains(day)) {
                        days.add(day);
                    }
                }
            }
        }
        return ensurePartitions(days);
    }

    Uni<Void> ensurePartitions(Set<LocalDate> days) {
        if (days.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("SELECT polling.ensure_interval_partition(d) FROM unnest($1::date[]) AS d")
                .execute(Tuple.of(days.toArray(LocalDate[]::new)))
                .invoke(() -> partitions.addAll(days)).replaceWithVoid();
    }

    /** Forgets the partitions known to exist (after retention dropped some). */
    void forgetPartitions() {
        partitions.clear();
    }

    /**
     * Inside the ingest transaction: the intervals of the results that moved their job out of PENDING, and what each
     * meter declared about the profile (capture period, channels).
     */
    public Uni<Void> insertIntervals(SqlConnection conn, List<MeterJobResult> results) {
        List<Object[]> rows = new ArrayList<>();
        List<String> meters = new ArrayList<>();
        List<String> profiles = new ArrayList<>();
        List<Integer> periods = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        List<OffsetDateTime> lasts = new ArrayList<>();
        for (MeterJobResult r : results) {
            if (!(r.outcome() instanceof ProfileIntervals p)) {
                continue;
            }
            meters.add(r.meterId());
            profiles.add(p.profile());
            periods.add((int) p.capturePeriodSeconds());
            channels.add(String.join(",", p.channels().stream().map(c -> c.name() + " " + c.unit()).toList()));
            Instant last = null;
            for (ProfileInterval i : p.intervals()) {
                last = last == null || i.capturedAt().isAfter(last) ? i.capturedAt() : last;
                for (ProfileChannel c : p.channels()) {
                    BigDecimal raw = i.raw().get(c.column());
                    rows.add(new Object[] {r.meterId(), p.profile(), utc(i.capturedAt()), c.name(), c.value(raw), raw,
                            c.scaler(), c.unit(), i.status(), r.jobId()});
                }
            }
            lasts.add(utc(last == null ? Instant.EPOCH : last)); // no row: the epoch, taken as none below
        }
        String[] profileJobs = results.stream().filter(r -> ReadProfile.TYPE.equals(r.command()))
                .map(MeterJobResult::jobId).toArray(String[]::new);
        if (profileJobs.length == 0) {
            return Uni.createFrom().voidItem();
        }
        // every completed profile job, failed or not, makes its meter's profile a candidate for gap detection again
        Uni<Void> touched = conn.preparedQuery("UPDATE polling.meter_profile mp SET updated_at = now() FROM polling.profile_job pj "
                        + "WHERE pj.job_id = ANY($1::text[]) AND mp.meter_id = pj.meter_id AND mp.profile = pj.profile")
                .execute(Tuple.of((Object) profileJobs)).replaceWithVoid();
        if (meters.isEmpty()) {
            return touched;
        }
        // a meter read twice in one ingest (two jobs) has two rows here: both updates apply, greatest() keeps the newest
        Uni<Void> chain = touched.chain(() -> conn.preparedQuery("UPDATE polling.meter_profile mp SET capture_period_s = u.p, channels = u.c, "
                        + "last_captured_at = greatest(mp.last_captured_at, nullif(u.l, 'epoch'::timestamptz)), updated_at = now() "
                        + "FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[]) AS u(m, pr, p, c, l) "
                        + "WHERE mp.meter_id = u.m AND mp.profile = u.pr")
                .execute(Tuple.of(meters.toArray(String[]::new), profiles.toArray(String[]::new),
                        periods.toArray(Integer[]::new), channels.toArray(String[]::new),
                        lasts.toArray(OffsetDateTime[]::new)))
                .replaceWithVoid());
        for (int from = 0; from < rows.size(); from += CHUNK) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
            chain = chain.chain(() -> insertChunk(conn, chunk));
        }
        return chain;
    }

    /**
     * One chunk of interval values, ON CONFLICT DO NOTHING; the values stored now, and only those, go into the MDMS
     * outbox in the same statement (kind INTERVAL, source = the job that read them).
     */
    private Uni<Void> insertChunk(SqlConnection conn, List<Object[]> chunk) {
        int n = chunk.size();
        String[] meters = new String[n];
        String[] profiles = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] channels = new String[n];
        BigDecimal[] values = new BigDecimal[n];
        BigDecimal[] raws = new BigDecimal[n];
        Short[] scalers = new Short[n];
        String[] units = new String[n];
        Long[] statuses = new Long[n];
        String[] jobs = new String[n];
        for (int i = 0; i < n; i++) {
            Object[] r = chunk.get(i);
            meters[i] = (String) r[0];
            profiles[i] = (String) r[1];
            times[i] = (OffsetDateTime) r[2];
            channels[i] = (String) r[3];
            values[i] = (BigDecimal) r[4];
            raws[i] = (BigDecimal) r[5];
            scalers[i] = (short) (int) (Integer) r[6];
            units[i] = (String) r[7];
            statuses[i] = (Long) r[8];
            jobs[i] = (String) r[9];
        }
        return conn.preparedQuery("WITH input AS (SELECT DISTINCT ON (meter_id, profile, captured_at, channel) * FROM "
                        + "unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::numeric[], $6::numeric[], "
                        + "$7::smallint[], $8::text[], $9::bigint[], $10::text[]) AS u(meter_id, profile, captured_at, "
                        + "channel, value, raw, scaler, unit, status, job_id)), "
                        + "stored AS (INSERT INTO polling.profile_interval (meter_id, profile, captured_at, channel, value, "
                        + "raw, scaler, unit, status) SELECT meter_id, profile, captured_at, channel, value, raw, scaler, "
                        + "unit, status FROM input ON CONFLICT DO NOTHING RETURNING meter_id, profile, captured_at, channel), "
                        + "published AS (SELECT i.meter_id, i.profile, i.channel AS obis, i.captured_at AS capture_time, "
                        + "i.value, i.raw, i.scaler::int AS scaler, i.unit, i.status::varchar AS status, i.job_id AS source, "
                        + "now() AS stored_at FROM stored s JOIN input i ON i.meter_id = s.meter_id AND i.profile = s.profile "
                        + "AND i.captured_at = s.captured_at AND i.channel = s.channel WHERE i.value IS NOT NULL) "
                        + outbox.insertFrom("published", MdmsReading.Kind.INTERVAL))
                .execute(Tuple.tuple(List.of(meters, profiles, times, channels, values, raws, scalers, units, statuses, jobs)))
                .replaceWithVoid();
    }

    /** One stored interval value. */
    public record StoredInterval(String profile, Instant capturedAt, String channel, BigDecimal value, BigDecimal raw,
                                 int scaler, String unit, Long status) {
    }

    public Uni<List<StoredInterval>> intervals(String meterId, String profile, Instant from, Instant to, int limit) {
        return pool.preparedQuery("SELECT profile, captured_at, channel, value, raw, scaler, unit, status "
                        + "FROM polling.profile_interval WHERE meter_id = $1 AND ($2::text IS NULL OR profile = $2) "
                        + "AND captured_at >= $3 AND captured_at < $4 ORDER BY captured_at, profile, channel LIMIT $5")
                .execute(Tuple.of(meterId, profile, utc(from), utc(to), limit))
                .map(rows -> {
                    List<StoredInterval> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new StoredInterval(r.getString("profile"), r.getOffsetDateTime("captured_at").toInstant(),
                                r.getString("channel"), r.getBigDecimal("value"), r.getBigDecimal("raw"),
                                r.getInteger("scaler"), r.getString("unit"), r.getLong("status")));
                    }
                    return out;
                });
    }

    /** The vendor of each listed meter polling-service's registry view knows; unknown meters are absent. */
    public Uni<Map<String, String>> vendors(List<String> meterIds) {
        return pool.preparedQuery("SELECT meter_id, vendor FROM polling.meter WHERE meter_id = ANY($1::text[])")
                .execute(Tuple.of(meterIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, String> out = new java.util.HashMap<>(rows.size() * 2);
                    rows.forEach(r -> out.put(r.getString(0), r.getString(1)));
                    return out;
                });
    }

    public Uni<Map<String, String>> allVendors() {
        return pool.query("SELECT meter_id, vendor FROM polling.meter").execute().map(rows -> {
            Map<String, String> out = new java.util.LinkedHashMap<>(rows.size() * 2);
            rows.forEach(r -> out.put(r.getString(0), r.getString(1)));
            return out;
        });
    }

    static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
