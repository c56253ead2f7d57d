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

/** Campaigns, their meters' state machines and the audit of every transition (schema firmware, JDBC, blocking). */
@ApplicationScoped
public class CampaignStore {

    private static final String ROW = "campaign_id, meter_id, state, job_id, attempt, block_size, total_blocks, "
            + "blocks_done, next_block, installed_before, installed_after, failure_class, failure_code, message";

    private final DataSource db;

    public CampaignStore(DataSource db) {
        this.db = db;
    }

    /** What creating a campaign did: the campaign, and whether this request made it (false: the key's campaign). */
    public record Created(Campaign campaign, boolean created, String requestDigest) {
    }

    /**
     * Stores the campaign and one PENDING row per meter in one transaction; a meter the registry view does not know
     * is FAILED (FW-007), one of another device type than the image's model REFUSED (FW-001), both audited, before
     * any job exists. {@code meterIds} null: every meter of the view with the image's model. Under an idempotency
     * key stored already, nothing is written and the stored campaign is answered.
     */
    public Created create(Campaign c, String idempotencyKey, String requestDigest, String model, List<String> meterIds)
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
                    return byKey(con, idempotencyKey).map(e -> new Created(e.campaign(), false, e.requestDigest()))
                            .orElseThrow(() -> new SQLException("idempotency key " + idempotencyKey + " vanished"));
                }
            }
            String targets = meterIds == null
                    ? "SELECT v.meter_id AS id, v.vendor FROM firmware.meter v WHERE v.vendor = ?"
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
                if (meterIds == null) {
                    ps.setString(7, model);
                } else {
                    ps.setArray(7, con.createArrayOf("text", meterIds.toArray()));
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
            return new Created(c, true, requestDigest);
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

    public int inFlight(UUID id) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT count(*) FROM firmware.campaign_meter WHERE campaign_id = ? AND state IN "
                        + "('READING','TRANSFERRING','VERIFYING','ACTIVATING','CONFIRMING')")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Up to {@code n} PENDING meters become READING with their first job id; returns them. */
    public List<MeterRow> start(UUID id, int n) throws SQLException {
        List<MeterRow> out = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "UPDATE firmware.campaign_meter SET state = 'READING', attempt = 1, updated_at = now(), "
                        + "job_id = 'fw/' || campaign_id || '/' || meter_id || '/read/1' WHERE campaign_id = ? AND meter_id IN "
                        + "(SELECT meter_id FROM firmware.campaign_meter WHERE campaign_id = ? AND state = 'PENDING' "
                        + "ORDER BY meter_id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + ROW)) {
            ps.setObject(1, id);
            ps.setObject(2, id);
            ps.setInt(3, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /**
     * In-flight meters whose job must be sent: held ones (no job: paused, or a publish that failed) and those whose
     * job has had no result since {@code olderThan} ago (after a restart: all, with {@link Duration#ZERO}).
     */
    public List<MeterRow> toSend(UUID id, Duration olderThan) throws SQLException {
        List<MeterRow> out = new ArrayList<>();
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement("SELECT " + ROW
                + " FROM firmware.campaign_meter WHERE campaign_id = ? AND state IN "
                + "('READING','TRANSFERRING','VERIFYING','ACTIVATING','CONFIRMING') AND (job_id IS NULL OR updated_at <= ?)")) {
            ps.setObject(1, id);
            ps.setTimestamp(2, Timestamp.from(Instant.now().minus(olderThan)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /** Records that the row's job was (re)sent. */
    public void sent(MeterRow row, String jobId) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "UPDATE firmware.campaign_meter SET job_id = ?, updated_at = now() WHERE campaign_id = ? AND meter_id = ? "
                        + "AND state = ? AND attempt = ? AND next_block = ?")) {
            ps.setString(1, jobId);
            ps.setObject(2, row.campaignId());
            ps.setString(3, row.meterId());
            ps.setString(4, row.state().name());
            ps.setInt(5, row.attempt());
            ps.setLong(6, row.nextBlock());
            ps.executeUpdate();
        }
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

    /** The outcome of applying a result: the new row, or empty when the result was not the awaited one. */
    public interface Decider {
        Optional<Steps.Transition> decide(MeterRow row) throws SQLException;
    }

    /**
     * Applies a result to its meter in one transaction, only if the meter still awaits that job (a duplicate or late
     * result changes nothing), with its audit event.
     */
    public Optional<Steps.Transition> apply(UUID campaign, String meterId, String jobId, Decider decider)
            throws SQLException {
        try (Connection con = db.getConnection()) {
            con.setAutoCommit(false);
            MeterRow row;
            try (PreparedStatement ps = con.prepareStatement("SELECT " + ROW + " FROM firmware.campaign_meter "
                    + "WHERE campaign_id = ? AND meter_id = ? FOR UPDATE")) {
                ps.setObject(1, campaign);
                ps.setString(2, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        con.rollback();
                        return Optional.empty();
                    }
                    row = row(rs);
                }
            }
            if (!jobId.equals(row.jobId())) {
                con.rollback();
                return Optional.empty();
            }
            Optional<Steps.Transition> t = decider.decide(row);
            if (t.isPresent()) {
                write(con, t.get().row(), t.get().wireBytes());
                event(con, campaign, meterId, t.get().event(), t.get().detail());
            }
            con.commit();
            return t;
        }
    }

    private static void write(Connection con, MeterRow r, long wireBytes) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement("UPDATE firmware.campaign_meter SET wire_bytes = wire_bytes + "
                + wireBytes + ", state = ?, job_id = ?, "
                + "attempt = ?, block_size = ?, total_blocks = ?, blocks_done = ?, next_block = ?, installed_before = ?, "
                + "installed_after = ?, failure_class = ?, failure_code = ?, message = ?, updated_at = now() "
                + "WHERE campaign_id = ? AND meter_id = ?")) {
            ps.setString(1, r.state().name());
            ps.setString(2, r.jobId());
            ps.setInt(3, r.attempt());
            ps.setObject(4, r.blockSize(), Types.INTEGER);
            ps.setObject(5, r.totalBlocks(), Types.BIGINT);
            ps.setLong(6, r.blocksDone());
            ps.setLong(7, r.nextBlock());
            ps.setString(8, r.installedBefore());
            ps.setString(9, r.installedAfter());
            ps.setString(10, r.failureClass());
            ps.setString(11, r.failureCode());
            ps.setString(12, r.message());
            ps.setObject(13, r.campaignId());
            ps.setString(14, r.meterId());
            ps.executeUpdate();
        }
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
