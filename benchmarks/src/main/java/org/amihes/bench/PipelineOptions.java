package org.amihes.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of one {@link PipelineBenchmark} run. Command line: {@code name=value} for each component, e.g.
 * {@code meters=100000 latencyMs=100 jitterMs=20 inFlight=1000}.
 *
 * @param meters       simulated meters (one loopback address each from {@code firstHost})
 * @param latencyMs    mean delay the simulator adds to each answer
 * @param jitterMs     standard deviation of that delay (normal draw, seeded)
 * @param loss         probability that an answer is not sent at all (seeded); the session then fails after
 *                     {@code responseTimeoutMs}
 * @param inFlight     sessions at once: the bare loop's lanes, association-service's HES_MAX_SESSIONS (also its prefetch)
 * @param auth         NONE: every meter over its public client; HLS: over its vendor's management association with
 *                     its keys (HLS-GMAC, HLS-ECDSA, HLS-SHA256 or, for a vendor without HLS, LLS), the keys in
 *                     security-service (profiles and key delivery imported) and invocation counters reserved there
 * @param profile      the simulated vendor profile, or several separated by commas (the fleet cycles through them)
 * @param batches      pipeline read requests one after the other (the first right after the services started)
 * @param barePasses   passes of the bare loop over the fleet in one JVM (the first cold)
 * @param dbName       PostgreSQL database of the services (HES_DB_NAME; default {@link #DEFAULT_DB}); host, port, user
 *                     from HES_DB_* as theirs
 * @param vhost        RabbitMQ virtual host of the services (RABBITMQ_VHOST; default {@link #DEFAULT_VHOST})
 * @param resetDb      drop the services' schemas (association, polling) in {@code dbName} first: a clean registry
 * @param registryFile give association-service the registry as HES_REGISTRY_FILE (imported at start) instead of
 *                     {@code POST /meters/import} after it is ready: the whole registry in one request, or in chunks
 *                     of {@code importChunk} meters when it is above 0
 * @param jfr          record the services and the bare loop with JFR and summarise where the CPU went
 * @param profileDay   each pipeline batch reads yesterday's load profile (UTC day, {@code POST /profiles/reads})
 *                     instead of registers; the report adds intervals stored, intervals/s and database size per
 *                     meter-day (the bare loop still reads registers)
 * @param root         the project root (where each service's target/quarkus-app is)
 * @param workDir      fleet, registry, logs and recordings of the run
 * @param command      how to reproduce the run, quoted in the report
 */
public record PipelineOptions(int meters, double latencyMs, double jitterMs, double loss, int inFlight, String auth,
                              int batches, int barePasses, String firstHost, String profile, long seed,
                              String serviceXmx, String bareXmx, String simulatorXmx, int responseTimeoutMs,
                              int sampleMs, String dbName, String vhost, boolean resetDb, boolean registryFile,
                              int importChunk, boolean jfr, boolean profileDay, boolean schedule, boolean rotate,
                              Path root,
                              Path workDir, Path report, String command) {

    static final List<String> NAMES = List.of("meters", "latencyMs", "jitterMs", "loss", "inFlight", "auth", "batches",
            "barePasses", "firstHost", "profile", "seed", "serviceXmx", "bareXmx", "simulatorXmx", "responseTimeoutMs",
            "sampleMs", "db", "vhost", "resetDb", "registryFile", "importChunk", "jfr", "profileDay", "schedule", "rotate", "root", "workDir", "report", "command");

    public PipelineOptions {
        if (meters < 1 || inFlight < 1 || batches < 1 || barePasses < 1) {
            throw new IllegalArgumentException("meters, inFlight, batches and barePasses must be at least 1");
        }
        if (schedule && profileDay) {
            throw new IllegalArgumentException("schedule=true reads registers through a schedule: not with profileDay=true");
        }
        if (rotate && (!auth.equals("HLS") || batches < 2)) {
            throw new IllegalArgumentException("rotate=true rotates the keys between batch 1 and 2: needs auth=hls and "
                    + "batches of at least 2");
        }
        if (!auth.equals("NONE") && !auth.equals("HLS")) {
            throw new IllegalArgumentException("auth=" + auth + ": NONE (public client) or HLS (management association)");
        }
    }

    /**
     * The benchmark's own database and RabbitMQ virtual host unless HES_BENCH_DB_NAME / HES_BENCH_VHOST or the options
     * name others: {@code ./hes bench} and {@code ./hes test} make both and empty the virtual host first (its
     * {@code bench_target}); never the running stack's (amihes, "/") nor the tests' (amihes_test).
     */
    static final String DEFAULT_DB = "amihes_bench";
    static final String DEFAULT_VHOST = "amihes-bench";

    /** Defaults: the small configuration (2,000 meters, 20 ms ± 5 ms, 200 in flight, two batches). */
    public static PipelineOptions parse(String... args) {
        Map<String, String> o = Args.parse(args, NAMES);
        Path root = Path.of(o.getOrDefault("root", System.getProperty("hes.project.root", "."))).toAbsolutePath().normalize();
        PipelineOptions p = new PipelineOptions(
                Integer.parseInt(o.getOrDefault("meters", "2000")),
                Double.parseDouble(o.getOrDefault("latencyMs", "20")),
                Double.parseDouble(o.getOrDefault("jitterMs", "5")),
                Double.parseDouble(o.getOrDefault("loss", "0")),
                Integer.parseInt(o.getOrDefault("inFlight", "200")),
                o.getOrDefault("auth", "NONE").toUpperCase(Locale.ROOT),
                Integer.parseInt(o.getOrDefault("batches", "2")),
                Integer.parseInt(o.getOrDefault("barePasses", "2")),
                o.getOrDefault("firstHost", "127.40.0.1"),
                o.getOrDefault("profile", "aurora-ax1"),
                Long.parseLong(o.getOrDefault("seed", "42")),
                o.getOrDefault("serviceXmx", "512m"),
                o.getOrDefault("bareXmx", "512m"),
                o.getOrDefault("simulatorXmx", ""),
                Integer.parseInt(o.getOrDefault("responseTimeoutMs", "5000")),
                Integer.parseInt(o.getOrDefault("sampleMs", "500")),
                o.getOrDefault("db", System.getenv().getOrDefault("HES_BENCH_DB_NAME", DEFAULT_DB)),
                o.getOrDefault("vhost", System.getenv().getOrDefault("HES_BENCH_VHOST", DEFAULT_VHOST)),
                Boolean.parseBoolean(o.getOrDefault("resetDb", "false")),
                Boolean.parseBoolean(o.getOrDefault("registryFile", "false")),
                Integer.parseInt(o.getOrDefault("importChunk", "0")),
                Boolean.parseBoolean(o.getOrDefault("jfr", "false")),
                Boolean.parseBoolean(o.getOrDefault("profileDay", "false")),
                Boolean.parseBoolean(o.getOrDefault("schedule", "false")),
                Boolean.parseBoolean(o.getOrDefault("rotate", "false")),
                root,
                Path.of(o.getOrDefault("workDir", root.resolve("benchmarks/target/pipeline-run").toString())).toAbsolutePath(),
                Path.of(o.getOrDefault("report", root.resolve("benchmarks/reports/pipeline.md").toString())).toAbsolutePath(),
                o.getOrDefault("command", ""));
        return p.command().isEmpty() ? p.withCommand(p.defaultCommand()) : p;
    }

    PipelineOptions withCommand(String c) {
        return new PipelineOptions(meters, latencyMs, jitterMs, loss, inFlight, auth, batches, barePasses, firstHost,
                profile, seed, serviceXmx, bareXmx, simulatorXmx, responseTimeoutMs, sampleMs, dbName, vhost, resetDb,
                registryFile, importChunk, jfr, profileDay, schedule, rotate, root, workDir, report,
                c);
    }

    String defaultCommand() {
        return String.format(Locale.ROOT, "./hes bench pipeline meters=%d latencyMs=%s jitterMs=%s loss=%s inFlight=%d "
                        + "auth=%s profile=%s%s", meters, num(latencyMs), num(jitterMs), num(loss), inFlight, auth, profile,
                (jfr ? " jfr=true" : "") + (profileDay ? " profileDay=true" : "") + (schedule ? " schedule=true" : "")
                        + (rotate ? " rotate=true" : ""));
    }

    /** The simulated vendor profiles of the fleet. */
    List<String> profiles() {
        return List.of(profile.split(","));
    }

    boolean secured() {
        return auth.equals("HLS");
    }

    static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
