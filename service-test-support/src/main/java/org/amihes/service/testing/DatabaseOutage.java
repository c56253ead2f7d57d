package org.amihes.service.testing;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL outage for fault tests: the local cluster on the test port stopped ({@code pg_ctlcluster ...
 * stop -m fast}: every connection is cut, in-flight transactions roll back), kept down, started again. Needs Debian's
 * {@code postgresql-common} tools and root (as {@code ./hes} installs and runs it).
 */
public final class DatabaseOutage {

    private final String version;
    private final String cluster;
    private final int port;

    private DatabaseOutage(String version, String cluster, int port) {
        this.version = version;
        this.cluster = cluster;
        this.port = port;
    }

    /** The cluster that listens on {@code HES_DB_PORT} (5432 unless set). */
    public static DatabaseOutage local() throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("HES_DB_PORT", "5432"));
        for (String line : run(List.of("pg_lsclusters", "-h")).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[2].equals(String.valueOf(port))) {
                return new DatabaseOutage(f[0], f[1], port);
            }
        }
        throw new IllegalStateException("no PostgreSQL cluster on port " + port + " in pg_lsclusters");
    }

    /** Stops the cluster now; {@link #start()} brings it back. */
    public void stop() throws Exception {
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "stop", "-m", "fast"));
    }

    /** Starts the cluster and waits until it accepts connections. */
    public void start() throws Exception {
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("PostgreSQL did not accept connections within 60 s after start");
    }

    private static String run(List<String> command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " is needed for database fault tests (Debian's "
                    + "postgresql-common, installed with PostgreSQL by ./hes infra): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + "/" + cluster + " on port " + port;
    }
}
