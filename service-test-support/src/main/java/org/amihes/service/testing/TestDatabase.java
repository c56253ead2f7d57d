package org.amihes.service.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The tests' own look into the test database (the same environment as the services: HES_DB_HOST, HES_DB_PORT,
 * HES_TEST_DB_NAME, HES_DB_USER, HES_DB_PASSWORD), to check what a request wrote, or that it wrote nothing.
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    /** The single number a query such as {@code select count(*) from ... where ... = ?} returns. */
    public static long count(String sql, Object... parameters) {
        return sql(sql, parameters);
    }

    /**
     * Runs one statement: a query answers the first column of its first row as a number, any other statement its
     * update count. A {@code String[]} parameter is passed as a {@code text[]} (for {@code = ANY(?)}).
     */
    public static long sql(String sql, Object... parameters) {
        try (Connection c = connection();
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i] instanceof String[] a ? c.createArrayOf("text", a) : parameters[i]);
            }
            if (!s.execute()) {
                return s.getUpdateCount();
            }
            try (ResultSet r = s.getResultSet()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a statement that answers no rows (DDL, a test's trigger, a clean-up). */
    public static void execute(String sql) {
        try (Connection c = connection();
             java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** A connection of the test's own to the test database, for queries that answer more than one number. */
    public static Connection connection() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    static String user() {
        return env("HES_DB_USER", "amihes");
    }

    static String password() {
        return env("HES_DB_PASSWORD", "amihes");
    }

    /** The test database's JDBC URL; a service under test gets the same ({@code postgresql://...} without "jdbc:"). */
    public static String url() {
        return "jdbc:postgresql://" + env("HES_DB_HOST", "127.0.0.1") + ":" + env("HES_DB_PORT", "5432") + "/"
                + env("HES_TEST_DB_NAME", "amihes_test");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
