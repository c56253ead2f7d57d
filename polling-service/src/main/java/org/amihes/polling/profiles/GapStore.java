package org.amihes.polling.profiles;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The queries behind gaps, backfill and the read-rate KPI. */
@ApplicationScoped
public class GapStore {

    private final Pool pool;

    public GapStore(Pool pool) {
        this.pool = pool;
    }

    /** What a meter declared about a profile and the capture times it was asked for. */
    public record MeterProfile(String meterId, String profile, Integer capturePeriodSeconds, Instant coveredFrom,
                               Instant coveredTo) {
    }

    /** A backfill of one gap so far. */
    public record Attempt(Instant gapFrom, Instant gapTo, int attempts, Instant lastAttemptAt, String lastJobId,
                          Instant filledAt) {
    }

    /**
     * The capture period most meters of this vendor declared for this profile (their mode), empty when none did yet:
     * what a meter of the vendor that never answered is expected to capture at, until it declares its own.
     */
    public Uni<Optional<Integer>> vendorPeriod(String vendor, String profile) {
        return pool.preparedQuery("SELECT mode() WITHIN GROUP (ORDER BY mp.capture_period_s) FROM polling.meter_profile mp "
                        + "JOIN polling.meter v ON v.meter_id = mp.meter_id WHERE v.vendor = $1 AND mp.profile = $2 "
                        + "AND mp.capture_period_s > 0")
                .execute(Tuple.of(vendor, profile))
                .map(rows -> Optional.ofNullable(rows.iterator().next().getInteger(0)));
    }

    public Uni<Optional<MeterProfile>> meterProfile(String meterId, String profile) {
        return pool.preparedQuery("SELECT meter_id, profile, capture_period_s, covered_from, covered_to "
                        + "FROM polling.meter_profile WHERE meter_id = $1 AND profile = $2")
                .execute(Tuple.of(meterId, profile))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(meterProfile(rows.iterator().next())));
    }

    private static MeterProfile meterProfile(Row r) {
        return new MeterProfile(r.getString("meter_id"), r.getString("profile"), r.getInteger("capture_period_s"),
                r.getOffsetDateTime("covered_from").toInstant(), r.getOffsetDateTime("covered_to").toInstant());
    }

    /** Distinct capture times stored for the meter's profile in [from, to). */
    public Uni<List<Instant>> storedTimes(String meterId, String profile, Instant from, Instant to) {
        return pool.preparedQuery("SELECT DISTINCT captured_at FROM polling.profile_interval WHERE meter_id = $1 "
                        + "AND profile = $2 AND captured_at >= $3 AND captured_at < $4")
                .execute(Tuple.of(meterId, profile, ProfileStore.utc(from), ProfileStore.utc(to)))
                .map(rows -> {
                    List<Instant> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getOffsetDateTime(0).toInstant()));
                    return out;
                });
    }

    public Uni<List<Attempt>> attempts(String meterId, String profile) {
        return pool.preparedQuery("SELECT gap_from, gap_to, attempts, last_attempt_at, last_job_id, filled_at "
                        + "FROM polling.backfill_attempt WHERE meter_id = $1 AND profile = $2 ORDER BY gap_from")
                .execute(Tuple.of(meterId, profile))
                .map(rows -> {
                    List<Attempt> out = new ArrayList<>();
                    for (Row r : rows) {
                        OffsetDateTime filled = r.getOffsetDateTime("filled_at");
                        out.add(new Attempt(r.getOffsetDateTime("gap_from").toInstant(),
                                r.getOffsetDateTime("gap_to").toInstant(), r.getInteger("attempts"),
                                r.getOffsetDateTime("last_attempt_at").toInstant(), r.getString("last_job_id"),
                                filled == null ? null : filled.toInstant()));
                    }
                    return out;
                });
    }

    /**
     * Meter profiles to look at for gaps: something changed since they were last looked at (a read was asked for or
     * completed), or a backfill may be tried again; none with a profile job still pending (its result may fill it).
     * Meters that never answered (capture period not known) are among them: their first read is read again.
     */
    public Uni<List<MeterProfile>> backfillCandidates(int maxAttempts, Duration retryAfter, int limit) {
        // Hash joins only: right after a batch stored thousands of PENDING jobs (statistics not analysed yet) the planner
        // took the pending profile reads for a handful and checked each meter profile against all of them, a nested
        // loop over every pair: 6.3 s a pass (50 million comparisons) with 10,000 meters waiting for their reads, and
        // quadratic in the fleet; the hash anti-join takes 16 ms on the same rows. (LoadProfileIT's gap, in the
        // clean-clone run of 1af509f: no backfill attempt within 90 s.)
        return pool.withTransaction(conn -> conn.query("SET LOCAL enable_nestloop = off").execute()
                .chain(() -> candidates(conn, maxAttempts, retryAfter, limit)));
    }

    private static Uni<List<MeterProfile>> candidates(io.vertx.mutiny.sqlclient.SqlConnection conn, int maxAttempts,
                                                      Duration retryAfter, int limit) {
        return conn.preparedQuery("SELECT mp.meter_id, mp.profile, mp.capture_period_s, mp.covered_from, mp.covered_to "
                        + "FROM polling.meter_profile mp WHERE (mp.capture_period_s > 0 OR mp.capture_period_s IS NULL) "
                        + "AND (mp.checked_at IS NULL OR mp.updated_at > mp.checked_at OR EXISTS (SELECT 1 FROM "
                        + "polling.backfill_attempt ba WHERE ba.meter_id = mp.meter_id AND ba.profile = mp.profile "
                        + "AND ba.filled_at IS NULL AND ba.attempts < $1 "
                        + "AND ba.last_attempt_at < now() - make_interval(secs => $2))) "
                        + "AND NOT EXISTS (SELECT 1 FROM polling.read_job j JOIN polling.profile_job pj ON pj.job_id = j.job_id "
                        + "WHERE j.meter_id = mp.meter_id AND j.status = 'PENDING' AND pj.profile = mp.profile) "
                        + "ORDER BY mp.updated_at LIMIT $3")
                .execute(Tuple.of(maxAttempts, retryAfter.toMillis() / 1000.0, limit))
                .map(rows -> {
                    List<MeterProfile> out = new ArrayList<>();
                    rows.forEach(r -> out.add(meterProfile(r)));
                    return out;
                });
    }

    /** Marks the meter profile looked at now. */
    public Uni<Void> checked(String meterId, String profile) {
        return pool.preparedQuery("UPDATE polling.meter_profile SET checked_at = now() WHERE meter_id = $1 AND profile = $2")
                .execute(Tuple.of(meterId, profile)).replaceWithVoid();
    }

    /**
     * Records an attempt at a gap, when one is due: returns the attempt number, or 0 when the gap had its attempts
     * or its last one is too recent.
     */
    public Uni<Integer> recordAttempt(String meterId, String profile, Instant gapFrom, Instant gapTo, String jobId,
                                      int maxAttempts, Duration retryAfter) {
        return pool.preparedQuery("INSERT INTO polling.backfill_attempt AS ba (meter_id, profile, gap_from, gap_to, "
                        + "attempts, last_job_id, last_attempt_at) VALUES ($1, $2, $3, $4, 1, $5, now()) "
                        + "ON CONFLICT (meter_id, profile, gap_from) DO UPDATE SET attempts = ba.attempts + 1, "
                        + "gap_to = EXCLUDED.gap_to, last_job_id = EXCLUDED.last_job_id, last_attempt_at = now(), "
                        + "filled_at = NULL WHERE ba.attempts < $6 AND ba.last_attempt_at < now() - make_interval(secs => $7) "
                        + "RETURNING attempts")
                .execute(Tuple.tuple(List.of(meterId, profile, ProfileStore.utc(gapFrom), ProfileStore.utc(gapTo), jobId,
                        maxAttempts, retryAfter.toMillis() / 1000.0)))
                .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0));
    }

    /** Attempts at gaps that are no longer missing (read since) are marked filled. */
    public Uni<Void> markFilled(String meterId, String profile, List<Instant> stillMissingFrom) {
        return pool.preparedQuery("UPDATE polling.backfill_attempt SET filled_at = now() WHERE meter_id = $1 "
                        + "AND profile = $2 AND filled_at IS NULL AND NOT (gap_from = ANY($3::timestamptz[]))")
                .execute(Tuple.of(meterId, profile, stillMissingFrom.stream().map(ProfileStore::utc)
                        .toArray(OffsetDateTime[]::new)))
                .replaceWithVoid();
    }

    /**
     * One KPI row: a vendor's meters on a day; {@code unknownPeriod} meters were asked for but neither they nor any
     * meter of their vendor ever declared the profile's capture period (so nothing can be expected of them yet).
     */
    public record VendorDay(String vendor, int meters, long expected, long stored, int unknownPeriod) {
    }

    /**
     * Per vendor: the meters that were to be read on {@code day} (their covered range, the capture times asked for,
     * overlaps it), the captures expected of each from the first capture time asked for (so a meter counts from its
     * first expected day, and on that day from the first capture asked for), at the period it declared or, for a
     * meter that never answered, at the period its vendor's meters declare; and the distinct capture times stored.
     */
    public Uni<List<VendorDay>> readRate(LocalDate day) {
        Instant from = day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant to = from.plus(Duration.ofDays(1));
        return pool.preparedQuery("WITH vp AS (SELECT v.vendor, mp.profile, mode() WITHIN GROUP (ORDER BY mp.capture_period_s) AS p "
                        + "FROM polling.meter_profile mp JOIN polling.meter v ON v.meter_id = mp.meter_id "
                        + "WHERE mp.capture_period_s > 0 GROUP BY v.vendor, mp.profile), "
                        + "m AS (SELECT mp.meter_id, mp.profile, coalesce(mp.capture_period_s, vp.p) AS p, "
                        + "coalesce(v.vendor, 'unknown') AS vendor, extract(epoch FROM greatest(mp.covered_from, $1))::bigint AS f, "
                        + "extract(epoch FROM least(mp.covered_to, $2))::bigint AS t FROM polling.meter_profile mp "
                        + "LEFT JOIN polling.meter v ON v.meter_id = mp.meter_id "
                        + "LEFT JOIN vp ON vp.vendor = v.vendor AND vp.profile = mp.profile "
                        + "WHERE (mp.capture_period_s > 0 OR mp.capture_period_s IS NULL) "
                        + "AND mp.covered_from < $2 AND mp.covered_to > $1), "
                        + "s AS (SELECT i.meter_id, i.profile, count(DISTINCT i.captured_at) AS n FROM polling.profile_interval i "
                        + "JOIN m ON m.meter_id = i.meter_id AND m.profile = i.profile "
                        + "WHERE i.captured_at >= $1 AND i.captured_at < $2 GROUP BY i.meter_id, i.profile) "
                        // captures at multiples of p in [f, t): ceil(t/p) - ceil(f/p)
                        + "SELECT m.vendor, count(DISTINCT m.meter_id) FILTER (WHERE m.p > 0) AS meters, "
                        + "coalesce(sum((div(m.t + m.p - 1, m.p) - div(m.f + m.p - 1, m.p))) FILTER (WHERE m.p > 0), 0)::bigint AS expected, "
                        + "coalesce(sum(s.n), 0)::bigint AS stored, count(DISTINCT m.meter_id) FILTER (WHERE m.p IS NULL) AS unknown "
                        + "FROM m LEFT JOIN s ON s.meter_id = m.meter_id AND s.profile = m.profile "
                        + "GROUP BY m.vendor ORDER BY m.vendor")
                .execute(Tuple.of(ProfileStore.utc(from), ProfileStore.utc(to)))
                .map(rows -> {
                    List<VendorDay> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new VendorDay(r.getString("vendor"), r.getLong("meters").intValue(),
                                r.getLong("expected"), r.getLong("stored"), r.getLong("unknown").intValue()));
                    }
                    return out;
                });
    }

    /** Meters in the view per vendor (for meters never read, reported beside the rate). */
    public Uni<Map<String, Integer>> metersPerVendor() {
        return pool.query("SELECT vendor, count(*) FROM polling.meter GROUP BY vendor").execute().map(rows -> {
            Map<String, Integer> out = new HashMap<>();
            rows.forEach(r -> out.put(r.getString(0), r.getLong(1).intValue()));
            return out;
        });
    }
}
