package org.amihes.firmware.campaign;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.amihes.contracts.MeterJobResult;
import org.amihes.service.registry.MeterGroup;

/** Campaigns, their meters' state machines and the audit of every transition (schema firmware, JDBC, blocking). */
@ApplicationScoped
public class CampaignStore {

    private static final String ROW = "campaign_id, meter_id, state, job_id, attempt, block_size, total_blocks, "
            + "blocks_done, next_block, installed_before, installed_after, failure_class, failure_code, message";

    private final DataSource db;

    public CampaignStore(DataSource db) {
        this.db = db;
    }

    /** What creating a campaign did: the campaign, and whether it was stored before under the key (repeated). */
    public record Created(Campaign campaign, boolean repeated, String requestDigest) {
    }

    /**
     * Stores the campaign and one PENDING row per meter in one transaction; a meter the registry view does not know
     * is FAILED (FW-007), one of another device type than the image's model REFUSED (FW-001), both audited, before
     * any job exists. A filter group takes the view's meters that match it now. Under an idempotency key stored
     * already, nothing is written and the stored campaign is answered.
     */
    public Created create(Campaign c, String idempotencyKey, String requestDigest, String model, MeterGroup group)
            throws SQLException {
        try (Connection con = db.getConnection()) {
            con.setAutoCommit(false);
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO firmware.campaign (id, idempotency_key, "
                    + "request_digest, image_id, state, one_shot, concurrency, batch_size, window_start, window_end, "
                    + "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (idempotency_key) DO NOTHING")) {
                ps.setObject(1, c.id());
                ps.setString(2, idempotencyKey);
                ps.setString(3, requestDigest);
                ps.setObject(4, c.imageId());
                ps.setString(5, c.state());
                ps.setBoolean(6, c.oneShot());
                ps.setInt(7, c.concurrency());
                ps.setInt(8, c.batchSize());
                ps.setObject(9, c.windowStart(), Types.TIME);
                ps.setObject(10, c.windowEnd(), Types.TIME);
                ps.setString(11, c.createdBy());
                ps.setTimestamp(12, Timestamp.from(c.createdAt()));
                if (ps.executeUpdate() == 0) {
                    con.rollback();
                    return byKey(con, idempotencyKey).map(e -> new Created(e.campaign(), true, e.requestDigest()))
                            .orElseThrow(() -> new SQLException("idempotency key " + idempotencyKey + " vanished"));
                }
            }
            String targets = !group.explicit()
                    ? "SELECT v.meter_id AS id, v.vendor FROM firmware.meter v WHERE " + MeterGroup.condition("?", "?")
                    : "SELECT t.id, v.vendor FROM unnest(?::text[]) AS t(id) LEFT JOIN firmware.meter v ON v.meter_id = t.id";
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO firmware.campaign_meter (campaign_id, meter_id, "
                    + "state, failure_class, failure_code, message, updated_at) SELECT ?, id, "
                    + "CASE WHEN vendor IS NULL THEN 'FAILED' WHEN vendor <> ? THEN 'REFUSED' ELSE 'PENDING' END, "
                    + "CASE WHEN vendor IS NULL OR vendor <> ? THEN 'CONFIGURATION' END, "
                    + "CASE WHEN vendor IS NULL THEN 'FW-007' WHEN vendor <> ? THEN 'FW-001' END, "
                    + "CASE WHEN vendor IS NULL THEN 'FW-007: meter ' || id || ' is not in firmware-service''s view of the registry' "
                    + "WHEN vendor <> ? THEN 'FW-001: vendor/model mismatch: the meter is a ' || vendor || ', the image is for ' || ? "
                    + "|| '; no byte was sent' END, now() FROM (" + targets + ") m")) {
                ps.setObject(1, c.id());
                for (int i = 2; i <= 6; i++) {
                    ps.setString(i, model);
                }
                if (!group.explicit()) { // the condition names the vendor twice, then the tags
                    ps.setString(7, group.vendor());
                    ps.setString(8, group.vendor());
                    ps.setArray(9, con.createArrayOf("text", group.requiredTags().toArray()));
                } else {
                    ps.setArray(7, con.createArrayOf("text", group.meterIds().toArray()));
                }
                ps.executeUpdate();
            }
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO firmware.campaign_event (campaign_id, meter_id, "
                    + "at, event, detail) SELECT campaign_id, meter_id, now(), state, message FROM firmware.campaign_meter "
                    + "WHERE campaign_id = ? AND state <> 'PENDING'")) {
                ps.setObject(1, c.id());
                ps.executeUpdate();
            }
            event(con, c.id(), null, "CREATED", "by " + c.createdBy());
            con.commit();
            return new Created(c, false, requestDigest);
        }
    }

    public Optional<Campaign> campaign(UUID id) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT * FROM firmware.campaign WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(campaign(rs)) : Optional.empty();
            }
        }
    }

    public record Keyed(Campaign campaign, String requestDigest) {
    }

    private static Optional<Keyed> byKey(Connection con, String key) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT * FROM firmware.campaign WHERE idempotency_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Keyed(campaign(rs), rs.getString("request_digest"))) : Optional.empty();
            }
        }
    }

    public List<Campaign> active() throws SQLException {
        List<Campaign> out = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT * FROM firmware.campaign WHERE state IN ('RUNNING', 'PAUSED', 'CANCELLED') AND finished_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(campaign(rs));
            }
        }
        return out;
    }

    /** Moves the campaign from one of {@code from} to {@code to}; false when it was in none of them. */
    public boolean setState(UUID id, List<String> from, String to, String actor) throws SQLException {
        try (Connection con = db.getConnection()) {
            con.setAutoCommit(false);
            int n;
            try (PreparedStatement ps = con.prepareStatement("UPDATE firmware.campaign SET state = ? WHERE id = ? "
                    + "AND state = ANY(?)")) {
                ps.setString(1, to);
                ps.setObject(2, id);
                ps.setArray(3, con.createArrayOf("text", from.toArray()));
                n = ps.executeUpdate();
            }
            if (n > 0 && to.equals("CANCELLED")) {
                try (PreparedStatement ps = con.prepareStatement("UPDATE firmware.campaign_meter SET state = 'CANCELLED', "
                        + "updated_at = now(), message = CASE WHEN state = 'PENDING' THEN 'cancelled before it started' ELSE "
                        + "'cancelled while paused at ' || state END WHERE campaign_id = ? AND (state = 'PENDING' OR "
                        + "job_id IS NULL AND state IN ('READING','TRANSFERRING','VERIFYING','ACTIVATING','CONFIRMING'))")) {
                    ps.setObject(1, id);
                    ps.executeUpdate();
                }
            }
            if (n > 0) {
                event(con, id, null, to, "by " + actor);
            }
            con.commit();
            return n > 0;
        }
    }

    /** Marks the campaign DONE when no meter is pending or in flight. */
    public boolean finishIfDone(UUID id) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "UPDATE firmware.campaign c SET state = CASE WHEN c.state = 'CANCELLED' THEN 'CANCELLED' ELSE 'DONE' END, "
                        + "finished_at = now() WHERE id = ? AND finished_at IS NULL AND c.state <> 'PAUSED' AND NOT EXISTS "
                        + "(SELECT 1 FROM firmware.campaign_meter m WHERE m.campaign_id = c.id AND m.state IN "
                        + "('PENDING','READING','TRANSFERRING','VERIFYING','ACTIVATING','CONFIRMING'))")) {
            ps.setObject(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    private static final String IN_FLIGHT = "('READING','TRANSFERRING','VERIFYING','ACTIVATING','CONFIRMING')";

    /** This replica is alive (written every tick): its claims hold while its heartbeat is younger than the lease. */
    public void heartbeat(String replica) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "INSERT INTO firmware.replica (name, seen_at) VALUES (?, now()) ON CONFLICT (name) DO UPDATE "
                        + "SET seen_at = now()")) {
            ps.setString(1, replica);
            ps.executeUpdate();
        }
    }

    /** Forgets replicas not seen for a day (each process start under a default name adds one). */
    public void forgetOldReplicas() throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "DELETE FROM firmware.replica WHERE seen_at < now() - interval '1 day'")) {
            ps.executeUpdate();
        }
    }

    /**
     * Starts up to {@code batchSize} PENDING meters of the campaign, never more than {@code concurrency} in flight
     * across all replicas: the campaign's row is locked for the count and the start ({@code SKIP LOCKED}: while
     * another replica starts meters of it, this one starts none); each started meter is READING with its first job
     * id, owned by {@code replica}. Returns them.
     */
    public List<MeterRow> start(UUID id, int batchSize, int concurrency, String replica) throws SQLException {
        List<MeterRow> out = new ArrayList<>();
        try (Connection con = db.getConnection()) {
            con.setAutoCommit(false);
            if (!lockedRunning(con, id, "FOR UPDATE SKIP LOCKED")) { // or another replica is starting its meters now
                con.rollback();
                return out;
            }
            try (PreparedStatement ps = con.prepareStatement("SELECT count(*) FROM firmware.campaign_meter "
                    + "WHERE campaign_id = ? AND state IN " + IN_FLIGHT)) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long free = Math.min(batchSize, concurrency - rs.getLong(1));
                    if (free <= 0) {
                        con.rollback();
                        return out;
                    }
                    batchSize = (int) free;
                }
            }
            // the pick is MATERIALIZED, so it runs once: as "meter_id IN (SELECT ... LIMIT ? FOR UPDATE SKIP LOCKED)"
            // PostgreSQL may rescan it per row (nested loop semi join), each rescan skipping the rows this UPDATE has
            // just changed and taking the next ones, which started every PENDING meter past the bound
            try (PreparedStatement ps = con.prepareStatement("WITH picked AS MATERIALIZED (SELECT meter_id AS picked_id "
                    + "FROM firmware.campaign_meter WHERE campaign_id = ? AND state = 'PENDING' ORDER BY meter_id LIMIT ? "
                    + "FOR UPDATE SKIP LOCKED) "
                    + "UPDATE firmware.campaign_meter SET state = 'READING', attempt = 1, updated_at = now(), owner = ?, "
                    + "jobs_sent = jobs_sent + 1, "
                    + "job_id = 'fw/' || campaign_id || '/' || meter_id || '/read/1' FROM picked WHERE campaign_id = ? "
                    + "AND meter_id = picked_id RETURNING " + ROW)) {
                ps.setObject(1, id);
                ps.setInt(2, batchSize);
                ps.setString(3, replica);
                ps.setObject(4, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
            }
            con.commit();
        }
        return out;
    }

    /** Whether the campaign is RUNNING in this transaction, its row locked with {@code lock} ("FOR SHARE", ...). */
    private static boolean lockedRunning(Connection con, UUID id, String lock) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("SELECT 1 FROM firmware.campaign WHERE id = ? "
                + "AND state = 'RUNNING' " + lock)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The job id a claimed row is sent under. */
    public interface JobIdOf {
        String of(MeterRow row);
    }

    /**
     * Claims, for {@code replica}, the in-flight meters of a campaign whose job must be sent now, and records their job
     * ids, in one transaction ({@code FOR UPDATE SKIP LOCKED}: two replicas never claim one row): held ones (no job:
     * paused, or a publish that failed); those without a result since {@code staleAfter}; those whose owner's heartbeat
     * is older than {@code lease} (a replica that stopped: its meters are taken over; the job is sent again under the
     * same id, so association-service answers it from its journal if it ran); with {@code ownAlso}, this replica's own
     * (its first tick: it may have stopped between a claim and the publish). Returns the rows with their job id.
     */
    public List<MeterRow> claimToSend(UUID id, String replica, Duration staleAfter, Duration lease, boolean ownAlso,
                                      JobIdOf jobIds) throws SQLException {
        List<MeterRow> out = new ArrayList<>();
        try (Connection con = db.getConnection()) {
            con.setAutoCommit(false);
            // running now, not when the tick listed it: a pause committed since holds its meters (the share lock makes
            // a pause wait for this claim, or this claim for the pause)
            if (!lockedRunning(con, id, "FOR SHARE")) {
                con.rollback();
                return out;
            }
            try (PreparedStatement ps = con.prepareStatement("SELECT " + ROW + " FROM firmware.campaign_meter m "
                    + "WHERE campaign_id = ? AND state IN " + IN_FLIGHT + " AND (job_id IS NULL OR owner IS NULL "
                    + "OR updated_at <= now() - CAST(? AS double precision) * interval '1 millisecond' OR (? AND owner = ?) OR NOT EXISTS "
                    + "(SELECT 1 FROM firmware.replica r WHERE r.name = m.owner AND r.seen_at > now() - CAST(? AS double precision) * interval '1 millisecond')) "
                    + "ORDER BY meter_id FOR UPDATE SKIP LOCKED")) {
                ps.setObject(1, id);
                ps.setLong(2, staleAfter.toMillis());
                ps.setBoolean(3, ownAlso);
                ps.setString(4, replica);
                ps.setLong(5, lease.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        MeterRow r = row(rs);
                        out.add(r.withJob(jobIds.of(r)));
                    }
                }
            }
            if (!out.isEmpty()) {
                try (PreparedStatement ps = con.prepareStatement("UPDATE firmware.campaign_meter SET job_id = ?, owner = ?, "
                        + "jobs_sent = jobs_sent + 1, updated_at = now() WHERE campaign_id = ? AND meter_id = ?")) {
                    for (MeterRow r : out) {
                        ps.setString(1, r.jobId());
                        ps.setString(2, replica);
                        ps.setObject(3, id);
                        ps.setString(4, r.meterId());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            con.commit();
        }
        return out;
    }

    /** Forgets a job whose publish failed, so that the next tick sends it again. */
    public void unsent(UUID campaign, String meterId, String jobId) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "UPDATE firmware.campaign_meter SET job_id = NULL WHERE campaign_id = ? AND meter_id = ? AND job_id = ?")) {
            ps.setObject(1, campaign);
            ps.setString(2, meterId);
            ps.setString(3, jobId);
            ps.executeUpdate();
        }
    }

    /** A result to apply: its campaign and meter (from its job id) and the result. */
    public record Incoming(UUID campaign, MeterJobResult result) {
    }

    /**
     * The transition a result makes of the row awaiting it, under its campaign's state as stored when the result is
     * applied (RUNNING, PAUSED, CANCELLED, ...); empty: none.
     */
    public interface Decider {
        Optional<Steps.Transition> decide(MeterRow row, Incoming result, String campaignState) throws SQLException;
    }

    /**
     * Applies a batch of results in one transaction: every meter of the batch is locked (in key order, so replicas
     * applying overlapping batches wait, never deadlock), each result is applied only if its meter still awaits that
     * job (a duplicate or late result changes nothing, also within the batch), the changed rows are written with one
     * batched UPDATE and the audit events with one batched INSERT, owned by {@code replica} (which sends the next
     * jobs). The campaigns' rows are read and share-locked first: a pause, resume or cancel (which updates the row)
     * commits before this transaction reads the state or after it commits, never in between, so a result is applied
     * under the state its campaign has, not one remembered from before a change. Returns the transitions made, in the
     * results' order.
     */
    public List<Steps.Transition> applyAll(List<Incoming> results, String replica, Decider decider) throws SQLException {
        List<Steps.Transition> made = new ArrayList<>();
        if (results.isEmpty()) {
            return made;
        }
        try (Connection con = db.getConnection()) {
            con.setAutoCommit(false);
            Map<UUID, String> states = new java.util.HashMap<>();
            try (PreparedStatement ps = con.prepareStatement("SELECT id, state FROM firmware.campaign WHERE id = "
                    + "ANY(?::uuid[]) ORDER BY id FOR SHARE")) {
                ps.setArray(1, con.createArrayOf("uuid", results.stream().map(Incoming::campaign).distinct().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        states.put(rs.getObject(1, UUID.class), rs.getString(2));
                    }
                }
            }
            Map<String, MeterRow> rows = new java.util.HashMap<>();
            try (PreparedStatement ps = con.prepareStatement("SELECT " + ROW + " FROM firmware.campaign_meter WHERE "
                    + "(campaign_id, meter_id) IN (SELECT c, m FROM unnest(?::uuid[], ?::text[]) AS t(c, m)) "
                    + "ORDER BY campaign_id, meter_id FOR UPDATE")) {
                ps.setArray(1, con.createArrayOf("uuid", results.stream().map(Incoming::campaign).toArray()));
                ps.setArray(2, con.createArrayOf("text", results.stream().map(i -> i.result().meterId()).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        MeterRow r = row(rs);
                        rows.put(key(r.campaignId(), r.meterId()), r);
                    }
                }
            }
            Map<String, Long> wire = new LinkedHashMap<>();
            try (PreparedStatement events = con.prepareStatement("INSERT INTO firmware.campaign_event (campaign_id, "
                    + "meter_id, at, event, detail) VALUES (?, ?, now(), ?, ?)")) {
                for (Incoming in : results) {
                    String k = key(in.campaign(), in.result().meterId());
                    MeterRow row = rows.get(k);
                    if (row == null || !in.result().jobId().equals(row.jobId())) {
                        continue;
                    }
                    Optional<Steps.Transition> t = decider.decide(row, in, states.get(in.campaign()));
                    if (t.isEmpty()) {
                        continue;
                    }
                    made.add(t.get());
                    rows.put(k, t.get().row());
                    wire.merge(k, t.get().wireBytes(), Long::sum);
                    events.setObject(1, in.campaign());
                    events.setString(2, row.meterId());
                    events.setString(3, t.get().event());
                    events.setString(4, t.get().detail());
                    events.addBatch();
                }
                if (!made.isEmpty()) {
                    events.executeBatch();
                }
            }
            if (!wire.isEmpty()) {
                try (PreparedStatement ps = con.prepareStatement("UPDATE firmware.campaign_meter SET wire_bytes = "
                        + "wire_bytes + ?, state = ?, job_id = ?, attempt = ?, block_size = ?, total_blocks = ?, "
                        + "blocks_done = ?, next_block = ?, installed_before = ?, installed_after = ?, failure_class = ?, "
                        + "failure_code = ?, message = ?, owner = ?, jobs_sent = jobs_sent + ?, updated_at = now() "
                        + "WHERE campaign_id = ? AND meter_id = ?")) {
                    for (Map.Entry<String, Long> e : wire.entrySet()) {
                        MeterRow r = rows.get(e.getKey());
                        ps.setLong(1, e.getValue());
                        ps.setString(2, r.state().name());
                        ps.setString(3, r.jobId());
                        ps.setInt(4, r.attempt());
                        ps.setObject(5, r.blockSize(), Types.INTEGER);
                        ps.setObject(6, r.totalBlocks(), Types.BIGINT);
                        ps.setLong(7, r.blocksDone());
                        ps.setLong(8, r.nextBlock());
                        ps.setString(9, r.installedBefore());
                        ps.setString(10, r.installedAfter());
                        ps.setString(11, r.failureClass());
                        ps.setString(12, r.failureCode());
                        ps.setString(13, r.message());
                        ps.setString(14, replica);
                        ps.setInt(15, r.jobId() == null ? 0 : 1);
                        ps.setObject(16, r.campaignId());
                        ps.setString(17, r.meterId());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            con.commit();
        }
        return made;
    }

    private static String key(UUID campaign, String meterId) {
        return campaign + "/" + meterId;
    }

    public void event(UUID campaign, String meterId, String event, String detail) throws SQLException {
        try (Connection con = db.getConnection()) {
            event(con, campaign, meterId, event, detail);
        }
    }

    private static void event(Connection con, UUID campaign, String meterId, String event, String detail)
            throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("INSERT INTO firmware.campaign_event (campaign_id, meter_id, "
                + "at, event, detail) VALUES (?, ?, now(), ?, ?)")) {
            ps.setObject(1, campaign);
            ps.setString(2, meterId);
            ps.setString(3, event);
            ps.setString(4, detail);
            ps.executeUpdate();
        }
    }

    /** A campaign's progress: meters by state, blocks on the meters against blocks to send. */
    public record Progress(Map<String, Long> meters, long total, long finished, long blocksDone, long blocksTotal,
                           long wireBytes) {
    }

    public Progress progress(UUID id) throws SQLException {
        Map<String, Long> byState = new LinkedHashMap<>();
        long total = 0;
        long finished = 0;
        long done = 0;
        long blocks = 0;
        long wire = 0;
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT state, count(*), coalesce(sum(CASE WHEN state = 'DONE' THEN total_blocks ELSE blocks_done END), 0), "
                        + "coalesce(sum(total_blocks), 0), coalesce(sum(wire_bytes), 0) FROM firmware.campaign_meter WHERE campaign_id = ? GROUP BY state "
                        + "ORDER BY state")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    MeterState s = MeterState.valueOf(rs.getString(1));
                    byState.put(s.name(), rs.getLong(2));
                    total += rs.getLong(2);
                    finished += s.terminal() ? rs.getLong(2) : 0;
                    done += rs.getLong(3);
                    blocks += rs.getLong(4);
                    wire += rs.getLong(5);
                }
            }
        }
        return new Progress(byState, total, finished, done, blocks, wire);
    }

    public List<MeterRow> meters(UUID id, String state, int offset, int limit) throws SQLException {
        List<MeterRow> out = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement("SELECT " + ROW
                + " FROM firmware.campaign_meter WHERE campaign_id = ? AND (?::text IS NULL OR state = ?) "
                + "ORDER BY meter_id OFFSET ? LIMIT ?")) {
            ps.setObject(1, id);
            ps.setString(2, state);
            ps.setString(3, state);
            ps.setInt(4, offset);
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    public Optional<MeterRow> meter(UUID id, String meterId) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement("SELECT " + ROW
                + " FROM firmware.campaign_meter WHERE campaign_id = ? AND meter_id = ?")) {
            ps.setObject(1, id);
            ps.setString(2, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public record Event(String meterId, Instant at, String event, String detail) {
    }

    public List<Event> events(UUID id, String meterId, int limit) throws SQLException {
        List<Event> out = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement("SELECT meter_id, at, event, "
                + "detail FROM firmware.campaign_event WHERE campaign_id = ? AND (?::text IS NULL OR meter_id = ?) "
                + "ORDER BY id LIMIT ?")) {
            ps.setObject(1, id);
            ps.setString(2, meterId);
            ps.setString(3, meterId);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Event(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return out;
    }

    /** Bytes {@code [offset, offset + length)} of a stored image, read by PostgreSQL, not the whole image. */
    public byte[] chunk(UUID imageId, long offset, int length) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT substring(content FROM ?::int FOR ?::int) FROM firmware.firmware_image_content WHERE image_id = ?")) {
            ps.setInt(1, Math.toIntExact(offset + 1));
            ps.setInt(2, length);
            ps.setObject(3, imageId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("image " + imageId + " has no content");
                }
                return rs.getBytes(1);
            }
        }
    }

    private static Campaign campaign(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new Campaign(rs.getObject("id", UUID.class), rs.getObject("image_id", UUID.class), rs.getString("state"),
                rs.getBoolean("one_shot"), rs.getInt("concurrency"), rs.getInt("batch_size"),
                rs.getObject("window_start", LocalTime.class), rs.getObject("window_end", LocalTime.class),
                rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
                finished == null ? null : finished.toInstant());
    }

    private static MeterRow row(ResultSet rs) throws SQLException {
        return new MeterRow(rs.getObject(1, UUID.class), rs.getString(2), MeterState.valueOf(rs.getString(3)),
                rs.getString(4), rs.getInt(5), (Integer) rs.getObject(6), (Long) rs.getObject(7), rs.getLong(8),
                rs.getLong(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14));
    }

}
