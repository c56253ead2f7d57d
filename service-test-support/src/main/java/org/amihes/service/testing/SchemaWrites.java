package org.amihes.service.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether anything was written to one schema of the test database between two moments: a row inserted or updated
 * (a row version whose {@code xmin}, the transaction that wrote it, is at or after the mark's transaction) or deleted
 * (a table's row count changed). Exact, unlike PostgreSQL's statistics counters, which a backend flushes up to
 * seconds later.
 */
final class SchemaWrites {

    /** The moment: a transaction id taken then, and each table's row count. */
    record Mark(long xid, Map<String, Long> rows) {
    }

    private final String schema;

    SchemaWrites(String schema) {
        this.schema = schema;
    }

    Mark mark() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            long xid;
            try (ResultSet r = s.executeQuery("select txid_current() % 4294967296")) {
                r.next();
                xid = r.getLong(1);
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            for (String table : tables(s)) {
                try (ResultSet r = s.executeQuery("select count(*) from " + table)) {
                    r.next();
                    rows.put(table, r.getLong(1));
                }
            }
            return new Mark(xid, rows);
        } catch (SQLException e) {
            throw new IllegalStateException("marking schema " + schema + ": " + e.getMessage(), e);
        }
    }

    /**
     * What changed since {@code mark}, one line per table (empty: nothing written). In {@code updatedByItself} (table
     * names without the schema) rows may be updated, not inserted nor deleted.
     */
    List<String> since(Mark mark, java.util.Set<String> updatedByItself) {
        List<String> changes = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String table : tables(s)) {
                // xmin is the 32-bit transaction id; a wrap of the counter between mark and check is not expected in a test
                try (ResultSet r = s.executeQuery("select count(*), count(*) filter (where xmin::text::bigint >= "
                        + mark.xid() + ") from " + table)) {
                    r.next();
                    long rows = r.getLong(1);
                    long written = r.getLong(2);
                    Long before = mark.rows().get(table);
                    boolean updatesAllowed = updatedByItself.contains(table.substring(table.indexOf('.') + 1));
                    if (before == null || before != rows || written > 0 && !updatesAllowed) {
                        changes.add(table + ": " + before + " rows before, " + rows + " after, " + written
                                + " written since");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("checking schema " + schema + ": " + e.getMessage(), e);
        }
        return changes;
    }

    private List<String> tables(Statement s) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet r = s.executeQuery("select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables"
                + " where schemaname = '" + schema.replace("'", "''") + "' order by tablename")) {
            while (r.next()) {
                tables.add(r.getString(1));
            }
        }
        if (tables.isEmpty()) {
            throw new IllegalStateException("schema " + schema + " has no table in " + TestDatabase.url());
        }
        return tables;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestDatabase.url(), TestDatabase.user(), TestDatabase.password());
    }
}
