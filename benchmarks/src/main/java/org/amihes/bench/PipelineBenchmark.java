package org.amihes.bench;

import org.amihes.service.testing.DevCredentials;
import org.amihes.service.testing.TestKeycloak;
import org.amihes.service.testing.TestTokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterSpec;

/**
 * The full pipeline against a bare Gurux + Vert.x loop, in one run, on the same simulated fleet (issue 15):
 * <ol>
 * <li>generates a fleet (one loopback address per meter) and its {@code meter_registry.json}; starts the simulator
 * as its own process with the added latency ± jitter and loss (so its CPU is attributed to neither side);</li>
 * <li>runs the bare baseline ({@link BareBaseline}, its own JVM): the same sessions, the same in-flight bound, no
 * broker, no database;</li>
 * <li>starts the packaged association-service and polling-service ({@code target/quarkus-app/quarkus-run.jar}) as
 * processes with their own database and virtual host, and sends {@code batches} read requests one after the other
 * ({@code POST /reads} with the fleet's meter ids, or with {@code schedule=true} {@code POST /schedules/{id}/run} of a
 * schedule whose group lists them, then {@code GET /reads/{id}} until done), measuring each;</li>
 * <li>checks that every meter was read once and stored once per batch (REST progress and PostgreSQL);</li>
 * <li>writes the Markdown report.</li>
 * </ol>
 * Only public surfaces of the services are used: environment settings, REST, {@code /q/metrics}, process stats.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.amihes.bench.PipelineBenchmark [meters=2000] [latencyMs=20]
 *      [jitterMs=5] [loss=0] [inFlight=200] [auth=NONE] [batches=2] [jfr=false] [db=...] [vhost=...] [report=...]</pre>
 * (all options: {@link PipelineOptions}). Exit status 1 if a correctness check failed.
 */
public final class PipelineBenchmark {

    static final String SESSION_TIMER = "hes_meter_session_seconds";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One measured pass (bare) or batch (pipeline). Times in nanoseconds, sizes in bytes; -1 when unknown. */
    public record Phase(String label, int meters, int ok, int failed, long wallNanos, long acceptNanos, double p50Ms,
                        double p99Ms,
                        Map<String, Long> cpuNanos, Map<String, Long> peakHeap, Map<String, Long> peakRss,
                        Map<String, Long> otherCpuNanos, double machineBusy, Check check,
                        Map<String, PerfCounters.Jit> jit) {

        public double metersPerSecond() {
            return meters / (wallNanos / 1e9);
        }

        /** CPU per read of the measured side: the bare client, or association + polling. */
        public double cpuMicrosPerRead() {
            return cpuNanos.values().stream().mapToLong(Long::longValue).sum() / 1e3 / meters;
        }
    }

    /** Correctness of one batch or pass: every meter read once and stored once. */
    public record Check(boolean passed, String detail, int storedRows, int storedMeters) {
    }

    public record Result(PipelineOptions options, List<Phase> bare, List<Phase> pipeline, Map<String, String> profiles,
                         String markdown) {
        public boolean passed() {
            return bare.stream().allMatch(p -> p.check().passed()) && pipeline.stream().allMatch(p -> p.check().passed());
        }
    }

    public static void main(String[] args) throws Exception {
        PipelineOptions options = PipelineOptions.parse(args);
        Result result = run(options);
        Files.createDirectories(options.report().getParent());
        Files.writeString(options.report(), result.markdown());
        System.out.println(result.markdown());
        System.out.println("report: " + options.report());
        System.exit(result.passed() ? 0 : 1);
    }

    public static Result run(PipelineOptions o) throws Exception {
        String runId = UUID.randomUUID().toString().substring(0, 6);
        Path dir = o.workDir().resolve(runId);
        Files.createDirectories(dir);
        say("run " + runId + " in " + dir);
        // Fresh meter ids per run: the database outlives runs and readings are keyed by meter and meter time.
        Fleet fleet = Fleet.generate(o.meters(), o.profiles(), o.seed(), o.firstHost(), freePort())
                .withIdPrefix("PB" + runId + "-");
        Path fleetFile = dir.resolve("fleet.json");
        Path registry = dir.resolve("meter_registry.json");
        fleet.write(fleetFile);
        fleet.writeRegistry(registry, o.secured());
        if (o.secured()) {
            fleet.writeSecurityProfiles(dir.resolve("security_profiles.json"));
            fleet.writeKeys(dir.resolve("meter_keys.json"));
        }
        if (o.resetDb()) {
            resetSchemas(o);
        }
        String classpath = System.getProperty("java.class.path");
        List<Child> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread cleanup = new Thread(() -> stopAll(started), "pipeline-cleanup"); // Ctrl-C: stop what this run started
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Child simulator = startSimulator(o, dir, fleetFile, classpath, "meter-simulator");
            started.add(simulator);

            List<Phase> bare = bare(o, dir, fleetFile, classpath, simulator);
            if (o.secured()) {
                // Secured meters refuse an invocation counter they have seen: the pipeline meets meters as fresh as
                // the bare loop did (its counters come from security-service, which starts at 1 for these meters).
                say("restarting the simulator: fresh meters (invocation counters) for the pipeline");
                simulator.close();
                started.remove(simulator);
                simulator = startSimulator(o, dir, fleetFile, classpath, "meter-simulator-pipeline");
                started.add(simulator);
            }

            Map<String, String> profiles = new LinkedHashMap<>();
            List<String> setup = new ArrayList<>();
            List<Phase> pipeline = pipeline(o, dir, fleet, registry, simulator, started, profiles, setup);
            if (o.jfr()) {
                Path bareJfr = dir.resolve("bare.jfr");
                if (Files.exists(bareJfr)) {
                    profiles.put("bare client", JfrSummary.summarise(bareJfr, 12));
                }
            }
            String md = Report.markdown(o, bare, pipeline, profiles, setup);
            return new Result(o, bare, pipeline, profiles, md);
        } finally {
            stopAll(started);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    /** The simulator as its own process, with the run's latency, jitter and loss; answers once it listens. */
    static Child startSimulator(PipelineOptions o, Path dir, Path fleetFile, String classpath, String name)
            throws Exception {
        return startSimulator(o, dir, fleetFile, classpath, name, List.of());
    }

    /** @param extra more simulator options (e.g. {@code --state-out file}) */
    static Child startSimulator(PipelineOptions o, Path dir, Path fleetFile, String classpath, String name,
                                List<String> extra) throws Exception {
        say("simulator: " + o.meters() + " meters (" + o.profile() + ") from " + o.firstHost() + ", " + o.latencyMs()
                + " ms ± " + o.jitterMs() + " ms, loss " + o.loss());
        List<String> simCmd = new ArrayList<>(List.of(Child.java()));
        if (!o.simulatorXmx().isBlank()) {
            simCmd.add("-Xmx" + o.simulatorXmx());
        }
        simCmd.addAll(List.of("-cp", classpath, "org.amihes.simulator.SimulatorMain", "--fleet", fleetFile.toString(),
                "--bind", "0.0.0.0", "--seed", Long.toString(o.seed()),
                "--latency-ms", Double.toString(o.latencyMs()), "--jitter-ms", Double.toString(o.jitterMs()),
                "--loss", Double.toString(o.loss())));
        simCmd.addAll(extra);
        Child simulator = Child.start(name, simCmd, Map.of(), dir.resolve("logs/" + name + ".log"), null);
        try {
            simulator.awaitLine("listening", Duration.ofMinutes(5));
        } catch (Exception | Error e) {
            simulator.close();
            throw e;
        }
        return simulator;
    }

    /** Stops the processes this run started, newest first, each by its own handle. */
    static void stopAll(List<Child> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        started.clear();
    }

    // ---------------------------------------------------------------------------------------------- bare baseline

    private static List<Phase> bare(PipelineOptions o, Path dir, Path fleetFile, String classpath, Child simulator)
            throws Exception {
        say("bare baseline: " + o.barePasses() + " passes, " + o.inFlight() + " in flight");
        List<String> cmd = new ArrayList<>(List.of(Child.java(), "-Xmx" + o.bareXmx(), "-cp", classpath,
                BareBaseline.class.getName(), "fleet=" + fleetFile, "inFlight=" + o.inFlight(),
                "passes=" + o.barePasses(), "responseTimeoutMs=" + o.responseTimeoutMs(), "auth=" + o.auth()));
        if (o.profileDay()) {
            // the same range the pipeline batches read: yesterday (UTC)
            java.time.Instant today = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            cmd.add("profileFrom=" + today.minus(Duration.ofDays(1)));
            cmd.add("profileTo=" + today);
        }
        if (o.jfr()) {
            cmd.add("jfr=" + dir.resolve("bare.jfr"));
        }
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<Phase> phases = new ArrayList<>();
        try (Child child = Child.start("bare-baseline", cmd, Map.of(), dir.resolve("logs/bare-baseline.log"), lines::add)) {
            long deadline = System.nanoTime() + batchTimeout(o).toNanos() * o.barePasses() + TimeUnit.MINUTES.toNanos(2);
            long simCpu0 = 0;
            long[] machine0 = null;
            JsonNode result = null;
            while (true) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    if (!child.process.isAlive() && lines.isEmpty()) {
                        throw new IllegalStateException("bare baseline exited with " + child.process.exitValue()
                                + ":\n" + child.tail(40));
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("bare baseline did not finish in time:\n" + child.tail(40));
                    }
                    continue;
                }
                if (line.startsWith("PASS_START ")) {
                    simCpu0 = ProcStats.cpuNanos(simulator.pid());
                    machine0 = ProcStats.machineCpu();
                } else if (line.startsWith("RESULT ")) {
                    result = JSON.readTree(line.substring(7));
                } else if (line.startsWith("PASS_END ") && result != null) {
                    long simCpu = ProcStats.cpuNanos(simulator.pid()) - simCpu0;
                    long[] machine1 = ProcStats.machineCpu();
                    phases.add(barePhase(o, result, simCpu, busy(machine0, machine1)));
                    say(String.format(Locale.ROOT, "bare pass %d: %.2f s, %d ok, %d failed",
                            result.get("pass").asInt(), result.get("wallNanos").asLong() / 1e9,
                            result.get("ok").asInt(), result.get("failed").asInt()));
                    result = null;
                } else if (line.equals("DONE")) {
                    break;
                }
            }
            child.process.waitFor(30, TimeUnit.SECONDS);
        }
        return phases;
    }

    private static Phase barePhase(PipelineOptions o, JsonNode r, long simCpu, double machineBusy) {
        int ok = r.get("ok").asInt();
        int failed = r.get("failed").asInt();
        int distinct = r.get("distinctOk").asInt();
        // without injected loss every session must succeed: a failure is a defect of the loop or the simulator
        boolean passed = ok + failed == o.meters() && distinct == ok && r.get("sessions").asInt() == o.meters()
                && (failed == 0 || o.loss() > 0);
        String detail = String.format(Locale.ROOT, "%d sessions, %d ok (%d distinct meters), %d failed",
                r.get("sessions").asInt(), ok, distinct, failed);
        if (r.has("intervals")) {
            // a profile day: rows read (the simulator's day of each meter), per second of the pass
            detail += String.format(Locale.ROOT, "; load profile of yesterday: %d intervals read, %.0f intervals/s read "
                    + "(nothing stored)", r.get("intervals").asLong(), r.get("intervals").asLong() / (r.get("wallNanos").asLong() / 1e9));
        }
        Check check = new Check(passed, detail, -1, -1);
        return new Phase("bare pass " + r.get("pass").asInt() + (r.get("pass").asInt() == 1 ? " (cold)" : ""),
                o.meters(), ok, failed, r.get("wallNanos").asLong(), -1,
                r.get("p50Nanos").asLong() / 1e6, r.get("p99Nanos").asLong() / 1e6,
                Map.of("bare client", r.get("cpuNanos").asLong()),
                Map.of("bare client", r.get("peakHeapBytes").asLong()),
                Map.of("bare client", r.get("peakRssBytes").asLong()),
                Map.of("simulator", simCpu), machineBusy, check,
                r.has("jitSeconds") ? Map.of("bare client", new PerfCounters.Jit(r.get("jitSeconds").asDouble(),
                        r.get("jitCompiles").asLong(), r.path("jitCpuSeconds").asDouble(Double.NaN))) : Map.of());
    }

    // -------------------------------------------------------------------------------------------------- pipeline

    private static List<Phase> pipeline(PipelineOptions o, Path dir, Fleet fleet, Path registry, Child simulator,
                                        List<Child> started, Map<String, String> profiles, List<String> setup)
            throws Exception {
        int assocPort = freePort();
        int pollPort = freePort();
        String assocUrl = "http://127.0.0.1:" + assocPort;
        String pollUrl = "http://127.0.0.1:" + pollPort;
        Map<String, String> common = new LinkedHashMap<>();
        common.put("HES_DB_NAME", o.dbName());
        common.put("RABBITMQ_VHOST", o.vhost());
        common.put("HES_OTEL_DISABLED", "true");
        // the prod profile has no development credentials: given explicitly (DevCredentials)
        Map<String, String> assocEnv = new LinkedHashMap<>(DevCredentials.environment("association-service"));
        assocEnv.putAll(common);
        assocEnv.put("HTTP_PORT", Integer.toString(assocPort));
        assocEnv.put("HES_MAX_SESSIONS", Integer.toString(o.inFlight()));
        // throughput against a bare loop without one: no bound on new associations per second
        assocEnv.put("HES_NEW_SESSIONS_PER_SECOND", "0");
        assocEnv.put("HES_RESPONSE_TIMEOUT", o.responseTimeoutMs() + "ms");
        if (o.registryFile()) {
            assocEnv.put("HES_REGISTRY_FILE", registry.toString());
        }
        assocEnv.put("HES_AUDIT_FILE", dir.resolve("logs/interop_audit.log").toString());
        assocEnv.put("HES_PUSH_PORT", "0"); // the push listener on a free port: 4059 may be the simulator's
        Map<String, String> pollEnv = new LinkedHashMap<>(DevCredentials.environment("polling-service"));
        pollEnv.putAll(common);
        pollEnv.put("HTTP_PORT", Integer.toString(pollPort));
        // MDMS publication to MQTT as shipped, under the benchmark's own topics and client id: a subscriber of the
        // production topics on the same broker sees none of the benchmark's readings
        pollEnv.put("HES_MQTT_TOPIC_PREFIX", "hes-bench/" + o.dbName() + "/readings");
        pollEnv.put("HES_MDMS_MQTT_CLIENT_ID", "amihes-polling-bench-" + o.dbName());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Security security = null;
        if (o.secured()) {
            security = startSecurity(o, dir, common, started, http, setup);
            // the keys just imported, exported again for escrow (at most the 100,000 one request may name)
            List<String> escrowed = fleet.meters().stream().map(MeterSpec::meterId).limit(100_000).toList();
            EscrowExportStep.Outcome escrow = EscrowExportStep.run(http, "http://127.0.0.1:" + security.port(), fleet,
                    escrowed, dir, System.getenv("HES_HSM_SLOT") != null);
            setup.add(escrow.line());
            say(escrow.line());
            if (escrow.problem() != null) {
                throw new IllegalStateException(escrow.problem());
            }
            assocEnv.put("SECURITY_SERVICE_URL", "http://127.0.0.1:" + security.port());
            // association-service's own client credentials for counters and keys (the secret ./hes made)
            assocEnv.put("HES_OIDC_CLIENT_SECRET_FILE",
                    TestKeycloak.secretsDir().resolve("association-service").toAbsolutePath().toString());
        }

        say("starting association-service :" + assocPort + " and polling-service :" + pollPort + " (db " + o.dbName()
                + ", vhost " + o.vhost() + ")");
        Child association = Child.start("association-service", serviceCommand(o, "association-service"), assocEnv,
                dir.resolve("logs/association-service.log"), null);
        started.add(association);
        Child polling = Child.start("polling-service", serviceCommand(o, "polling-service"), pollEnv,
                dir.resolve("logs/polling-service.log"), null);
        started.add(polling);
        association.awaitHttp200(assocUrl + "/q/health/ready", Duration.ofMinutes(5));
        if (!o.registryFile()) {
            setup.add(importRegistry(http, assocUrl, registry, o.importChunk()));
        }
        polling.awaitHttp200(pollUrl + "/q/health/ready", Duration.ofMinutes(5));
        List<String> ids = fleet.meters().stream().map(MeterSpec::meterId).toList();
        // polling-service must know the fleet (its registry view) before a read request names it
        awaitKnown(http, pollUrl, ids.get(0), polling);
        awaitKnown(http, pollUrl, ids.get(ids.size() - 1), polling);
        say("services ready");
        Map<String, Child> hes = new LinkedHashMap<>();
        hes.put("association-service", association);
        hes.put("polling-service", polling);
        Map<String, String> metricsUrls = new LinkedHashMap<>(Map.of("association-service", assocUrl + "/q/metrics",
                "polling-service", pollUrl + "/q/metrics"));
        if (security != null) {
            hes.put("security-service", security.child());
            metricsUrls.put("security-service", "http://127.0.0.1:" + security.port() + "/q/metrics");
        }
        if (o.jfr()) { // every service of the run, security-service too in a secured one
            for (Child service : hes.values()) {
                service.jcmd("JFR.start", "name=bench", "settings=profile");
            }
        }

        String schedule = o.schedule() ? createSchedule(http, pollUrl, ids, setup) : null;
        List<Phase> phases = new ArrayList<>();
        for (int b = 1; b <= o.batches(); b++) {
            if (b > 1) {
                Thread.sleep(1500); // meter time moves on: a second reading of a meter is a new row, not a duplicate
            }
            if (b == 2 && o.rotate()) {
                setup.add(KeyRotationStep.run(http, "http://127.0.0.1:" + security.port(), ids));
            }
            phases.add(batch(o, b, http, pollUrl, assocUrl, ids, hes, metricsUrls, simulator, schedule,
                    o.rotate() ? (b == 1 ? 1 : 2) : 0));
        }
        if (o.jfr()) {
            for (Map.Entry<String, Child> s : hes.entrySet()) {
                Path file = dir.resolve(s.getKey() + ".jfr");
                s.getValue().jcmd("JFR.dump", "name=bench", "filename=" + file);
                s.getValue().jcmd("JFR.stop", "name=bench");
                profiles.put(s.getKey(), JfrSummary.summarise(file, 12));
            }
        }
        return phases;
    }

    /** security-service as started for a secured run: its process, port and the service credential it accepts. */
    record Security(Child child, int port) {
    }

    /**
     * Starts security-service (the HSM from this process's environment: HES_HSM_* and SOFTHSM2_CONF, as {@code ./hes}
     * sets them) and imports the fleet's security profiles and key delivery file as a utility would, timing the key
     * import (the keys are wrapped under the HSM's master key one by one).
     */
    static Security startSecurity(PipelineOptions o, Path dir, Map<String, String> common, List<Child> started,
                                          HttpClient http, List<String> setup) throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        Map<String, String> env = new LinkedHashMap<>(DevCredentials.environment("security-service"));
        env.putAll(common);
        env.put("HTTP_PORT", Integer.toString(port));
        say("starting security-service :" + port + " (HSM: " + System.getenv().getOrDefault("HES_HSM_MODULE", "default module")
                + ", slot " + System.getenv().getOrDefault("HES_HSM_SLOT", "default") + ")");
        Child child = Child.start("security-service", serviceCommand(o, "security-service"), env,
                dir.resolve("logs/security-service.log"), null);
        started.add(child);
        child.awaitHttp200(url + "/q/health/ready", Duration.ofMinutes(5));
        post(http, url + "/security-profiles/import", dir.resolve("security_profiles.json"));
        long t0 = System.nanoTime();
        post(http, url + "/keys/import", dir.resolve("meter_keys.json"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        String line = String.format(Locale.ROOT, "key import (`POST /keys/import`, the simulator's key delivery file, "
                + "%d meters, %.1f MiB): %.1f s, %.0f meters/s", o.meters(),
                Files.size(dir.resolve("meter_keys.json")) / 1024.0 / 1024.0, seconds, o.meters() / seconds);
        setup.add(line);
        say(line);
        if (System.getenv("HES_HSM_SLOT") == null) {
            // security-service got the tests' token through its own environment (FirmwareSmallIT); this JVM cannot
            // open that token (SoftHSM2 reads SOFTHSM2_CONF from the process environment): no baseline beside it
            String none = "baseline beside it: not measured (the HSM token is not in this process's environment; "
                    + "`./hes bench` gives it)";
            setup.add(none);
            say(none);
            return new Security(child, port);
        }
        // one wrap per meter (all of a key version's secrets in one, ~80-130 bytes)
        long wrap = HsmWrapBaseline.wrapNanos(o.meters(), 96);
        String floor = String.format(Locale.ROOT, "baseline beside it: %d AES-256-GCM wraps of 96 bytes under the same "
                + "master key in the same token, one thread, nothing else (`HsmWrapBaseline`): %.1f s, %.0f µs per "
                + "wrap; the import took **%.2f×** that", o.meters(), wrap / 1e9, wrap / 1e3 / o.meters(),
                seconds / (wrap / 1e9));
        setup.add(floor);
        say(floor);
        return new Security(child, port);
    }

    /** A request with the default test user's token (admin: every role of a person) from the real Keycloak. */
    static HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TestTokens.admin());
    }

    private static void post(HttpClient http, String url, Path body) throws Exception {
        HttpResponse<String> r = http.send(authorized(URI.create(url))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.ofFile(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /**
     * {@code POST /meters/import}: the whole registry file as one request (one transaction), or in chunks of
     * {@code chunk} meters when it is above 0.
     */
    private static String importRegistry(HttpClient http, String assocUrl, Path registry, int chunk) throws Exception {
        long t0 = System.nanoTime();
        int count;
        if (chunk <= 0) {
            count = JSON.readTree(registry.toFile()).get("meters").size();
            postImport(http, assocUrl, HttpRequest.BodyPublishers.ofFile(registry));
        } else {
            JsonNode meters = JSON.readTree(registry.toFile()).get("meters");
            count = meters.size();
            for (int from = 0; from < meters.size(); from += chunk) {
                com.fasterxml.jackson.databind.node.ArrayNode part = JSON.createArrayNode();
                for (int i = from; i < Math.min(meters.size(), from + chunk); i++) {
                    part.add(meters.get(i));
                }
                postImport(http, assocUrl, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("meters", part))));
            }
        }
        String line = String.format(Locale.ROOT, "registry import (`POST /meters/import`, %s): %d meters in %.1f s",
                chunk <= 0 ? "the whole file in one request" : "chunks of " + chunk, count, (System.nanoTime() - t0) / 1e9);
        say(line);
        return line;
    }

    private static void postImport(HttpClient http, String assocUrl, HttpRequest.BodyPublisher body) throws Exception {
        HttpResponse<String> r = http.send(authorized(URI.create(assocUrl + "/meters/import"))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST /meters/import answered " + r.statusCode() + ": " + r.body());
        }
    }

    /**
     * The services' collector, as {@code ./hes run} and the container images start them: on 2 cores, G1's concurrent
     * work and barriers cost the pipeline a fifth of its throughput (100,000 meters: 65.5 / 48.1 s with G1, 52.5 /
     * 41.6 s with every JVM of the run on ParallelGC, the bare loop unchanged; 2026-12-06).
     */
    static final String SERVICE_GC = "-XX:+UseParallelGC";

    /** JVM options an experiment adds to the services (e.g. compiler settings), from this environment variable. */
    static final String EXPERIMENT_JVM_OPTS = "HES_BENCH_SERVICE_JVM_OPTS";

    /** The experiment's options, empty when there is none. */
    static String experimentJvmOpts() {
        return System.getenv().getOrDefault(EXPERIMENT_JVM_OPTS, "").trim();
    }

    static List<String> serviceCommand(PipelineOptions o, String module) {
        Path jar = o.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first "
                    + "(./mvnw -B package -pl association-service,polling-service,benchmarks -am -Dmaven.test.skip=true)");
        }
        // the services as shipped (./hes run, the container images): the throughput collector, and the options of an
        // experiment (EXPERIMENT_JVM_OPTS; the report names them)
        List<String> command = new java.util.ArrayList<>(List.of(Child.java(), "-Xmx" + o.serviceXmx(), SERVICE_GC));
        String extra = experimentJvmOpts();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /**
     * {@code schedule=true}: a schedule whose group lists the fleet's meters (fired by hand, its cron once a year),
     * as a utility reads its fleet day to day; the time to store it is set-up. Its id.
     */
    private static String createSchedule(HttpClient http, String pollUrl, List<String> ids, List<String> setup)
            throws Exception {
        String body = JSON.writeValueAsString(Map.of("name", "bench-" + UUID.randomUUID(), "group",
                Map.of("meterIds", ids), "cron", "0 0 1 1 *", "job", Map.of("kind", "read-registers")));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(authorized(URI.create(pollUrl + "/schedules"))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("POST /schedules answered " + r.statusCode() + ": " + r.body());
        }
        String id = JSON.readTree(r.body()).get("id").asText();
        setup.add(String.format(Locale.ROOT, "schedule (`POST /schedules`, its group listing the %d meters, cron once a "
                + "year): stored in %.1f s; each batch is `POST /schedules/%s/run`", ids.size(),
                (System.nanoTime() - t0) / 1e9, id));
        return id;
    }

    private static Phase batch(PipelineOptions o, int b, HttpClient http, String pollUrl, String assocUrl,
                               List<String> ids, Map<String, Child> hes, Map<String, String> metricsUrls,
                               Child simulator, String schedule, int keyVersion) throws Exception {
        List<Long> brokerPids = ProcStats.pidsNamed("beam.smp");
        List<Long> dbPids = ProcStats.pidsNamed("postgres");
        TreeMap<Double, Double> hist0 = Prometheus.buckets(get(http, assocUrl + "/q/metrics"), SESSION_TIMER);
        Map<String, Long> cpu0 = new LinkedHashMap<>();
        hes.forEach((name, c) -> cpu0.put(name, ProcStats.cpuNanos(c.pid())));
        long sim0 = ProcStats.cpuNanos(simulator.pid());
        Map<Long, Long> broker0 = ProcStats.cpuOf(brokerPids);
        Map<Long, Long> db0 = ProcStats.cpuOf(dbPids);
        long[] machine0 = ProcStats.machineCpu();
        HeapSampler heap = new HeapSampler(http, hes, metricsUrls, o.sampleMs());
        heap.start();

        long t0 = System.nanoTime();
        String batchId = null;
        long accepted = -1;
        java.time.Instant today = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        String body = o.profileDay()
                ? JSON.writeValueAsString(Map.of("meterIds", ids, "from", today.minus(Duration.ofDays(1)).toString(),
                        "to", today.toString()))
                : JSON.writeValueAsString(Map.of("meterIds", ids));
        String path = o.profileDay() ? "/profiles/reads" : schedule != null ? "/schedules/" + schedule + "/run" : "/reads";
        if (schedule != null) {
            body = "";
        }
        long acceptDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (batchId == null) {
            t0 = System.nanoTime();
            HttpResponse<String> r = http.send(authorized(URI.create(pollUrl + path))
                    .header("Content-Type", "application/json").timeout(Duration.ofMinutes(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) {
                batchId = JSON.readTree(r.body()).get("batchId").asText();
                accepted = System.nanoTime() - t0;
            } else if (r.statusCode() == 404 && System.nanoTime() < acceptDeadline) {
                Thread.sleep(500); // the registry view has not caught up yet
            } else {
                throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        say("batch " + b + ": " + batchId);
        long deadline = System.nanoTime() + batchTimeout(o).toNanos();
        JsonNode progress;
        while (true) {
            progress = JSON.readTree(get(http, pollUrl + "/reads/" + batchId));
            if (progress.get("done").asBoolean()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("batch " + batchId + " not done after " + batchTimeout(o) + ": " + progress);
            }
            Thread.sleep(100);
        }
        long wall = System.nanoTime() - t0;
        Map<String, Long> cpu = new LinkedHashMap<>();
        hes.forEach((name, c) -> cpu.put(name, ProcStats.cpuNanos(c.pid()) - cpu0.get(name)));
        Map<String, Long> other = new LinkedHashMap<>();
        other.put("simulator", ProcStats.cpuNanos(simulator.pid()) - sim0);
        other.put("RabbitMQ (beam.smp)", ProcStats.delta(broker0, ProcStats.cpuOf(brokerPids)));
        other.put("PostgreSQL (all postgres processes)", ProcStats.delta(db0, ProcStats.cpuOf(dbPids)));
        double busy = busy(machine0, ProcStats.machineCpu());
        Map<String, Long> peakHeap = heap.stop();
        Map<String, PerfCounters.Jit> jit = heap.jit();
        Map<String, Long> rss = new LinkedHashMap<>();
        hes.forEach((name, c) -> rss.put(name, ProcStats.peakRss(c.pid())));
        TreeMap<Double, Double> hist = Prometheus.minus(
                Prometheus.buckets(get(http, assocUrl + "/q/metrics"), SESSION_TIMER), hist0);

        int ok = progress.get("ok").asInt();
        int failed = progress.get("failed").asInt();
        Check check = o.profileDay() ? verifyProfiles(o, batchId, progress, ids, today, wall)
                : verify(o, batchId, progress, ids.size(), hes.containsKey("security-service"), keyVersion);
        say(String.format(Locale.ROOT, "batch %d: %.2f s, %d ok, %d failed; %s", b, wall / 1e9, ok, failed,
                check.detail()));
        return new Phase("pipeline batch " + b + (b == 1 ? " (first after start)" : ""), ids.size(), ok, failed, wall,
                accepted, Prometheus.quantile(hist, 0.50) * 1e3, Prometheus.quantile(hist, 0.99) * 1e3, cpu, peakHeap, rss, other,
                busy, check, jit);
    }

    /**
     * A profile day: REST progress, and what PostgreSQL holds for the fleet on that day: every ok meter with the whole
     * day (86,400 s / the capture period it declared), intervals stored per second of the batch, and the size of the
     * day's partition (table, indexes, TOAST) per meter-day.
     */
    private static Check verifyProfiles(PipelineOptions o, String batchId, JsonNode progress, List<String> ids,
                                        java.time.Instant today, long wallNanos) throws Exception {
        int ok = progress.get("ok").asInt();
        int failed = progress.get("failed").asInt();
        java.time.Instant day = today.minus(Duration.ofDays(1));
        long intervals;
        int meters;
        long expected;
        long bytes;
        try (Connection db = connect(o)) {
            try (PreparedStatement s = db.prepareStatement("SELECT count(*), count(DISTINCT i.meter_id) FROM "
                    + "polling.profile_interval i WHERE i.meter_id = ANY(?) AND i.captured_at >= ? AND i.captured_at < ?")) {
                s.setArray(1, db.createArrayOf("text", ids.toArray()));
                s.setTimestamp(2, java.sql.Timestamp.from(day));
                s.setTimestamp(3, java.sql.Timestamp.from(today));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    intervals = r.getLong(1);
                    meters = r.getInt(2);
                }
            }
            try (PreparedStatement s = db.prepareStatement("SELECT coalesce(sum(86400 / capture_period_s), 0) FROM "
                    + "polling.meter_profile WHERE meter_id = ANY(?) AND capture_period_s > 0")) {
                s.setArray(1, db.createArrayOf("text", ids.toArray()));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    expected = r.getLong(1);
                }
            }
            try (PreparedStatement s = db.prepareStatement("SELECT coalesce(pg_total_relation_size(to_regclass(?)), 0)")) {
                s.setString(1, "polling.profile_interval_" + day.toString().substring(0, 10).replace("-", ""));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    bytes = r.getLong(1);
                }
            }
        }
        boolean passed = progress.get("completed").asInt() == ids.size() && meters == ok && intervals == expected;
        String detail = String.format(Locale.ROOT, "REST: requested %d, ok %d, failed %d; PostgreSQL: %d intervals of "
                        + "%s for %d meters (expected %d from the declared capture periods); %.0f intervals/s stored over "
                        + "the batch's wall time; day partition %d bytes = %.0f bytes per meter-day (other runs' meters "
                        + "on the same day included)", ids.size(), ok, failed, intervals, day.toString().substring(0, 10),
                meters, expected, intervals / (wallNanos / 1e9), bytes, meters == 0 ? 0.0 : (double) bytes / meters);
        return new Check(passed, detail, (int) Math.min(Integer.MAX_VALUE, intervals), meters);
    }

    /**
     * REST progress and what PostgreSQL holds for the batch: one job per meter, all done, one reading per ok; with
     * {@code keyVersion} above 0, every association named was made with that key version of the meters.
     */
    private static Check verify(PipelineOptions o, String batchId, JsonNode progress, int meters, boolean secured,
                                int keyVersion) throws Exception {
        int requested = progress.get("requested").asInt();
        int completed = progress.get("completed").asInt();
        int ok = progress.get("ok").asInt();
        int failed = progress.get("failed").asInt();
        int jobs;
        int jobMeters;
        int pending;
        int rows;
        int rowMeters;
        try (Connection db = connect(o)) {
            try (PreparedStatement s = db.prepareStatement("SELECT count(*), count(DISTINCT meter_id), "
                    + "count(*) FILTER (WHERE status = 'PENDING') FROM polling.read_job WHERE batch_id = ?::uuid")) {
                s.setString(1, batchId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    jobs = r.getInt(1);
                    jobMeters = r.getInt(2);
                    pending = r.getInt(3);
                }
            }
            try (PreparedStatement s = db.prepareStatement("SELECT count(*), count(DISTINCT r.meter_id) FROM "
                    + "polling.reading r JOIN polling.read_job j ON j.job_id = r.job_id WHERE j.batch_id = ?::uuid")) {
                s.setString(1, batchId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    rows = r.getInt(1);
                    rowMeters = r.getInt(2);
                }
            }
        }
        // a secured run reads no meter over the public client: every association named is a management one
        JsonNode byAssociation = progress.get("byAssociation");
        boolean associations = !secured || (byAssociation != null && byAssociation.size() > 0
                && !byAssociation.fieldNames().next().isEmpty()
                && java.util.stream.StreamSupport.stream(((Iterable<String>) byAssociation::fieldNames).spliterator(), false)
                        .noneMatch(a -> a.startsWith("public")))
                && (keyVersion == 0 || java.util.stream.StreamSupport.stream(
                        ((Iterable<String>) byAssociation::fieldNames).spliterator(), false)
                        .allMatch(a -> a.contains("key v" + keyVersion + " ")));
        boolean passed = requested == meters && completed == meters && ok + failed == meters && jobs == meters
                && jobMeters == meters && pending == 0 && rows == ok && rowMeters == ok && associations
                // without injected loss every meter must be read: a failed read is a defect, not a figure
                && (failed == 0 || o.loss() > 0);
        String detail = String.format(Locale.ROOT, "REST: requested %d, completed %d, ok %d, failed %d%s; "
                        + "PostgreSQL: %d jobs for %d distinct meters, %d pending, %d readings for %d distinct meters; "
                        + "associations %s",
                requested, completed, ok, failed, failed > 0 ? " " + progress.get("failuresByClass") : "",
                jobs, jobMeters, pending, rows, rowMeters, byAssociation);
        return new Check(passed, detail, rows, rowMeters);
    }

    static Connection connect(PipelineOptions o) throws Exception {
        Map<String, String> env = System.getenv();
        String url = "jdbc:postgresql://" + env.getOrDefault("HES_DB_HOST", "127.0.0.1") + ":"
                + env.getOrDefault("HES_DB_PORT", "5432") + "/" + o.dbName();
        return DriverManager.getConnection(url, env.getOrDefault("HES_DB_USER", "amihes"),
                env.getOrDefault("HES_DB_PASSWORD", "amihes"));
    }

    /** Drops the services' schemas so they start on a clean registry (Flyway recreates them). Never on amihes. */
    static void resetSchemas(PipelineOptions o) throws Exception {
        if (o.dbName().equals("amihes")) {
            throw new IllegalArgumentException("resetDb=true refuses the database 'amihes' (the running stack's)");
        }
        say("resetDb: dropping schemas association, polling, security and firmware in " + o.dbName());
        Connection db;
        try {
            db = connect(o);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot open the benchmark's database " + o.dbName() + " (./hes bench and "
                    + "./hes test make it and the virtual host " + o.vhost() + "): " + e.getMessage(), e);
        }
        try (db; Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS association CASCADE");
            s.execute("DROP SCHEMA IF EXISTS polling CASCADE");
            s.execute("DROP SCHEMA IF EXISTS security CASCADE");
            s.execute("DROP SCHEMA IF EXISTS firmware CASCADE");
        }
    }

    private static void awaitKnown(HttpClient http, String pollUrl, String meterId, Child polling) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            HttpResponse<Void> r = http.send(authorized(URI.create(pollUrl + "/meters/" + meterId
                    + "/readings?limit=1")).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200) {
                return;
            }
            if (!polling.process.isAlive()) {
                throw new IllegalStateException("polling-service exited:\n" + polling.tail(40));
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("polling-service does not know meter " + meterId + " after 5 minutes");
    }

    /** Generous: ten times the time the fleet takes at the in-flight bound with four answers a session, plus 2 min. */
    static Duration batchTimeout(PipelineOptions o) {
        double sessionMs = 4 * (o.latencyMs() + 3 * o.jitterMs()) + 20 + o.loss() * 4 * o.responseTimeoutMs();
        return Duration.ofMillis((long) (10 * sessionMs * Math.ceil((double) o.meters() / o.inFlight())) + 120_000);
    }

    private static double busy(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total <= 0 ? Double.NaN : (double) (after[0] - before[0]) / total;
    }

    static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(authorized(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Below the ephemeral range ({@link org.amihes.service.testing.ListeningPorts}: why). */
    static int freePort() throws IOException {
        return org.amihes.service.testing.ListeningPorts.free();
    }

    static void say(String text) {
        System.out.println("[pipeline " + Instant.now().toString().substring(11, 19) + "] " + text);
    }

    /**
     * Peak heap in use per service over a batch, sampled every {@code sampleMs} from the counters each JVM publishes in
     * its hsperfdata file ({@link PerfCounters}): reading them costs the service nothing, where a scrape of its
     * {@code /q/metrics} twice a second made it render every metric and charged that to its CPU per read. A service
     * whose counters cannot be read (started with -XX:-UsePerfData) is scraped instead. From the same counters, what
     * each service's JIT did between {@link #start} and {@link #stop} ({@link #jit}).
     */
    private static final class HeapSampler {
        private final HttpClient http;
        private final Map<String, String> urls;
        private final Map<String, PerfCounters> counters = new LinkedHashMap<>();
        private final int periodMs;
        private final Map<String, AtomicLong> peaks = new LinkedHashMap<>();
        private final Map<String, PerfCounters.Jit> jitAtStart = new LinkedHashMap<>();
        private final Map<String, PerfCounters.Jit> jit = new LinkedHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        HeapSampler(HttpClient http, Map<String, Child> services, Map<String, String> urls, int periodMs) {
            this.http = http;
            this.urls = urls;
            this.periodMs = periodMs;
            urls.keySet().forEach(k -> peaks.put(k, new AtomicLong(-1)));
            services.forEach((name, c) -> PerfCounters.of(c.pid()).ifPresent(p -> counters.put(name, p)));
        }

        void start() {
            counters.forEach((name, c) -> c.jit().ifPresent(j -> jitAtStart.put(name, j)));
            sample();
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        Thread.sleep(periodMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                    sample();
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            urls.forEach((name, url) -> {
                try {
                    PerfCounters c = counters.get(name);
                    long used = c != null ? c.heapUsed()
                            : (long) Prometheus.sum(get(http, url), "jvm_memory_used_bytes", "area=\"heap\"");
                    peaks.get(name).accumulateAndGet(used, Math::max);
                } catch (Exception e) {
                    // a missed sample is not worth failing the run
                }
            });
        }

        Map<String, Long> stop() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(5000);
            sample();
            counters.forEach((name, c) -> c.jit().ifPresent(j -> {
                if (jitAtStart.containsKey(name)) {
                    jit.put(name, j.minus(jitAtStart.get(name)));
                }
            }));
            for (PerfCounters c : counters.values()) {
                try {
                    c.close();
                } catch (java.io.IOException e) {
                    // read-only mapping: nothing was written
                }
            }
            Map<String, Long> out = new LinkedHashMap<>();
            peaks.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }

        /** What each service's JIT did between {@link #start} and {@link #stop} (from its hsperfdata counters). */
        Map<String, PerfCounters.Jit> jit() {
            return jit;
        }
    }
}
