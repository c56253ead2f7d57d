package org.amihes.security.keys;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.amihes.security.domain.Authentication;
import org.amihes.security.domain.SecurityPolicy;

/**
 * Wrapped keys in PostgreSQL (schema {@code security}, V3). Blocking JDBC: called from worker threads only, as the
 * HSM is. Writes go in batches inside one transaction.
 */
@ApplicationScoped
public class KeyStore {

    /** A stored key version: the secrets still wrapped. */
    public record Row(String meterId, int version, KeyState state, byte[] systemTitle, Authentication authentication,
                      int securitySuite, SecurityPolicy securityPolicy, byte[] signingPublicKey, byte[] wrapped,
                      String masterKey) {
    }

    /** A stored head-end key: the private key still wrapped. */
    public record HeadEndRow(int suite, int version, KeyState state, byte[] systemTitle, byte[] publicKey,
                             byte[] wrappedPrivateKey, String masterKey) {
    }

    /** Where one meter of a rotation batch stands. */
    public record RotationRow(java.util.UUID batchId, String meterId, int version, String state, String failure,
                              String actor) {
    }

    /** A stored key event. */
    public record StoredEvent(long id, java.time.Instant at, String actor, String event, String meterId, Integer version,
                              String detail) {
    }

    /** One event for the key audit trail: never a key. */
    public record Event(String actor, String event, String meterId, Integer version, String detail) {
    }

    private static final int BATCH = 1000;
    private static final String COLUMNS = "meter_id, version, state, system_title, authentication, security_suite, "
            + "security_policy, signing_public_key, wrapped, master_key";

    private final DataSource db;

    public KeyStore(DataSource db) {
        this.db = db;
    }

    /** The current (ACTIVE and PENDING) versions of these meters, by meter id. */
    public Map<String, List<Row>> current(Collection<String> meterIds) throws SQLException {
        Map<String, List<Row>> out = new HashMap<>();
        List<String> ids = new ArrayList<>(meterIds);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM security.meter_key WHERE meter_id = ANY (?) AND state <> 'RETIRED'")) {
            for (int from = 0; from < ids.size(); from += 10_000) {
                Array chunk = c.createArrayOf("varchar", ids.subList(from, Math.min(ids.size(), from + 10_000)).toArray());
                s.setArray(1, chunk);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Row row = row(rs);
                        out.computeIfAbsent(row.meterId(), id -> new ArrayList<>(2)).add(row);
                    }
                }
            }
        }
        return out;
    }

    /** Every version (RETIRED too) of these meters, by meter id, oldest first. */
    public Map<String, List<Row>> all(Collection<String> meterIds) throws SQLException {
        Map<String, List<Row>> out = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM security.meter_key WHERE meter_id = ANY (?) ORDER BY meter_id, version")) {
            s.setArray(1, c.createArrayOf("varchar", meterIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Row row = row(rs);
                    out.computeIfAbsent(row.meterId(), id -> new ArrayList<>(2)).add(row);
                }
            }
        }
        return out;
    }

    /** Events of a meter (or of the head-end when {@code meterId} is null), newest first. */
    public List<StoredEvent> events(String meterId, int limit) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT id, at, actor, event, "
                + "meter_id, version, detail FROM security.key_event WHERE meter_id IS NOT DISTINCT FROM ? "
                + "ORDER BY id DESC LIMIT ?")) {
            s.setString(1, meterId);
            s.setInt(2, limit);
            List<StoredEvent> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredEvent(rs.getLong(1), rs.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                            rs.getString(3), rs.getString(4), rs.getString(5), (Integer) rs.getObject(6), rs.getString(7)));
                }
            }
            return out;
        }
    }

    /** Records events in their own transaction (an export reads, it writes nothing else). */
    public void events(List<Event> events) throws SQLException {
        try (Connection c = db.getConnection()) {
            insertEvents(c, events);
        }
    }

    /** Every version of one meter, newest first. */
    public List<Row> versions(String meterId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM security.meter_key WHERE meter_id = ? ORDER BY version DESC")) {
            s.setString(1, meterId);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    /**
     * The meters whose current keys (ACTIVE or PENDING) carry this system title, the most recently delivered first,
     * at most {@code limit}. One, normally: a system title names one meter, but a meter replaced or delivered twice
     * under another id leaves more.
     */
    public List<String> metersWithSystemTitle(byte[] systemTitle, int limit) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT meter_id FROM "
                + "security.meter_key WHERE system_title = ? AND state IN ('ACTIVE', 'PENDING') GROUP BY meter_id "
                + "ORDER BY max(created_at) DESC, meter_id LIMIT ?")) {
            s.setBytes(1, systemTitle);
            s.setInt(2, limit);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    public java.util.Optional<byte[]> headEndSystemTitle() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT system_title FROM security.head_end WHERE id = 1"); ResultSet rs = s.executeQuery()) {
            return rs.next() ? java.util.Optional.of(rs.getBytes(1)) : java.util.Optional.empty();
        }
    }

    public List<HeadEndRow> headEnd() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT suite, version, state, "
                + "system_title, public_key, wrapped_private_key, master_key FROM security.head_end_key "
                + "WHERE state <> 'RETIRED' ORDER BY suite, version")) {
            List<HeadEndRow> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new HeadEndRow(rs.getInt(1), rs.getInt(2), KeyState.valueOf(rs.getString(3)), rs.getBytes(4),
                            rs.getBytes(5), rs.getBytes(6), rs.getString(7)));
                }
            }
            return out;
        }
    }

    /** Inserts new versions and their events in one transaction: all or nothing. */
    public void insert(List<Row> rows, byte[] headEndSystemTitle, List<HeadEndRow> headEnd, List<Event> events)
            throws SQLException {
        inTransaction(c -> {
            if (headEndSystemTitle != null) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO security.head_end (id, system_title) VALUES (1, ?)")) {
                    s.setBytes(1, headEndSystemTitle);
                    s.executeUpdate();
                }
            }
            insertRows(c, rows);
            insertHeadEnd(c, headEnd);
            insertEvents(c, events);
            return null;
        });
    }

    /** Work inside one transaction on one connection. */
    private interface Transactional<T, E extends Exception> {
        T run(Connection c) throws SQLException, E;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    private <T, E extends Exception> T inTransaction(Transactional<T, E> work) throws SQLException, E {
        try (Connection c = db.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /** A confirmed key version to make ACTIVE, with its event. */
    public record Activation(String meterId, int version, Event event) {
    }

    /**
     * Makes each activation's version the meter's ACTIVE version and the one before RETIRED, all in one transaction
     * (three statement batches); a version that is not PENDING (already ACTIVE: a repeated confirmation; or unknown)
     * is left as it is, without its event. The number activated.
     */
    public int activate(List<Activation> activations) throws SQLException {
        if (activations.isEmpty()) {
            return 0;
        }
        return inTransaction(c -> {
            List<Activation> pending = pending(c, activations);
            try (PreparedStatement retire = c.prepareStatement("UPDATE security.meter_key SET state = 'RETIRED', "
                    + "state_changed_at = now() WHERE meter_id = ? AND state = 'ACTIVE'");
                 PreparedStatement activate = c.prepareStatement("UPDATE security.meter_key SET state = 'ACTIVE', "
                         + "state_changed_at = now() WHERE meter_id = ? AND version = ?")) {
                for (Activation a : pending) {
                    retire.setString(1, a.meterId());
                    retire.addBatch();
                    activate.setString(1, a.meterId());
                    activate.setInt(2, a.version());
                    activate.addBatch();
                }
                retire.executeBatch();
                activate.executeBatch();
            }
            insertEvents(c, pending.stream().map(Activation::event).toList());
            return pending.size();
        });
    }

    /**
     * The activations whose version is PENDING, each (meter, version) once, their rows locked: one query for all of
     * them (in meter order, so two transactions lock shared rows in the same order).
     */
    private static List<Activation> pending(Connection c, List<Activation> activations) throws SQLException {
        Set<Map.Entry<String, Integer>> found = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT k.meter_id, k.version FROM security.meter_key k "
                + "JOIN unnest(?::varchar[], ?::int[]) AS a(meter_id, version) USING (meter_id, version) "
                + "WHERE k.state = 'PENDING' ORDER BY k.meter_id, k.version FOR UPDATE OF k")) {
            s.setArray(1, c.createArrayOf("varchar", activations.stream().map(Activation::meterId).toArray()));
            s.setArray(2, c.createArrayOf("integer", activations.stream().map(Activation::version).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(Map.entry(rs.getString(1), rs.getInt(2)));
                }
            }
        }
        List<Activation> pending = new ArrayList<>(found.size());
        for (Activation a : activations) {
            if (found.remove(Map.entry(a.meterId(), a.version()))) {
                pending.add(a);
            }
        }
        return pending;
    }

    /** Rotation progress rows: inserted, or moved to a new state. */
    public void rotations(List<RotationRow> rows) throws SQLException {
        try (Connection c = db.getConnection()) {
            rotations(c, rows);
        }
    }

    /** A new rotation batch: each of its meters PREPARING, in one statement. */
    public void listRotation(java.util.UUID batchId, List<String> meterIds, String actor) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO security.key_rotation "
                + "(batch_id, meter_id, version, state, actor) SELECT ?, unnest(?::varchar[]), 0, 'PREPARING', ?")) {
            s.setObject(1, batchId);
            s.setArray(2, c.createArrayOf("varchar", meterIds.toArray()));
            s.setString(3, actor);
            s.executeUpdate();
        }
    }

    /** What a claim of PREPARING rotation rows does with them: the rows to write in their place. */
    public interface Preparation {
        List<RotationRow> prepare(List<RotationRow> claimed) throws Exception;
    }

    /**
     * Claims the oldest PREPARING rotation rows, at most {@code limit} ({@code FOR UPDATE SKIP LOCKED}: a row another
     * transaction holds is left to it), hands them to {@code preparation} and writes the rows it answers in the same
     * transaction. When it throws, the claim is rolled back: the rows stay PREPARING for the next claim. How many rows
     * were claimed (0: none waits).
     */
    public int preparing(int limit, Preparation preparation) throws Exception {
        return inTransaction(c -> {
            List<RotationRow> claimed;
            try (PreparedStatement s = c.prepareStatement("SELECT batch_id, meter_id, version, state, failure, actor "
                    + "FROM security.key_rotation WHERE state = 'PREPARING' ORDER BY updated_at LIMIT ? "
                    + "FOR UPDATE SKIP LOCKED")) {
                s.setInt(1, limit);
                claimed = rotationRows(s);
            }
            if (!claimed.isEmpty()) {
                rotations(c, preparation.prepare(claimed));
            }
            return claimed.size();
        });
    }

    private static void rotations(Connection c, List<RotationRow> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO security.key_rotation "
                + "(batch_id, meter_id, version, state, failure, actor) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (batch_id, meter_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state, "
                + "failure = EXCLUDED.failure, updated_at = now() "
                + "WHERE security.key_rotation.state <> 'ACTIVE'")) {
            int n = 0;
            for (RotationRow r : rows) {
                s.setObject(1, r.batchId());
                s.setString(2, r.meterId());
                s.setInt(3, r.version());
                s.setString(4, r.state());
                s.setString(5, r.failure());
                s.setString(6, r.actor());
                s.addBatch();
                if (++n % BATCH == 0) {
                    s.executeBatch();
                }
            }
            s.executeBatch();
        }
    }

    /** The rotation rows of a meter's version, whatever batch asked for it. */
    public List<RotationRow> rotationsOf(String meterId, int version) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT batch_id, meter_id, "
                + "version, state, failure, actor FROM security.key_rotation WHERE meter_id = ? AND version = ?")) {
            s.setString(1, meterId);
            s.setInt(2, version);
            return rotationRows(s);
        }
    }

    /** Counts by state of a batch, and its failures (at most {@code failures}). */
    public Map<String, Integer> rotationCounts(java.util.UUID batchId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT state, count(*) FROM "
                + "security.key_rotation WHERE batch_id = ? GROUP BY state")) {
            s.setObject(1, batchId);
            Map<String, Integer> out = new java.util.TreeMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
            return out;
        }
    }

    public List<RotationRow> rotationFailures(java.util.UUID batchId, int limit) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT batch_id, meter_id, "
                + "version, state, failure, actor FROM security.key_rotation WHERE batch_id = ? AND state = 'FAILED' "
                + "ORDER BY meter_id LIMIT ?")) {
            s.setObject(1, batchId);
            s.setInt(2, limit);
            return rotationRows(s);
        }
    }

    private static List<RotationRow> rotationRows(PreparedStatement s) throws SQLException {
        List<RotationRow> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new RotationRow(rs.getObject(1, java.util.UUID.class), rs.getString(2), rs.getInt(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)));
            }
        }
        return out;
    }

    private static void insertRows(Connection c, List<Row> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO security.meter_key (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int n = 0;
            for (Row r : rows) {
                s.setString(1, r.meterId());
                s.setInt(2, r.version());
                s.setString(3, r.state().name());
                s.setBytes(4, r.systemTitle());
                s.setString(5, r.authentication().name());
                s.setInt(6, r.securitySuite());
                s.setString(7, r.securityPolicy().name());
                s.setBytes(8, r.signingPublicKey());
                s.setBytes(9, r.wrapped());
                s.setString(10, r.masterKey());
                s.addBatch();
                if (++n % BATCH == 0) {
                    s.executeBatch();
                }
            }
            s.executeBatch();
        }
    }

    private static void insertHeadEnd(Connection c, List<HeadEndRow> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO security.head_end_key (suite, version, state, "
                + "system_title, public_key, wrapped_private_key, master_key) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (HeadEndRow r : rows) {
                s.setInt(1, r.suite());
                s.setInt(2, r.version());
                s.setString(3, r.state().name());
                s.setBytes(4, r.systemTitle());
                s.setBytes(5, r.publicKey());
                s.setBytes(6, r.wrappedPrivateKey());
                s.setString(7, r.masterKey());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void insertEvents(Connection c, List<Event> events) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO security.key_event (actor, event, meter_id, version, "
                + "detail) VALUES (?, ?, ?, ?, ?)")) {
            int n = 0;
            for (Event e : events) {
                s.setString(1, e.actor());
                s.setString(2, e.event());
                s.setString(3, e.meterId());
                s.setObject(4, e.version());
                s.setString(5, e.detail());
                s.addBatch();
                if (++n % BATCH == 0) {
                    s.executeBatch();
                }
            }
            s.executeBatch();
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getInt(2), KeyState.valueOf(rs.getString(3)), rs.getBytes(4),
                Authentication.valueOf(rs.getString(5)), rs.getInt(6), SecurityPolicy.valueOf(rs.getString(7)),
                rs.getBytes(8), rs.getBytes(9), rs.getString(10));
    }
}
