package org.amihes.bench;

import org.amihes.service.testing.DevCredentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gurux.dlms.GXByteBuffer;
import gurux.dlms.enums.DataType;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSImageTransfer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InMemoryInvocationCounterStore;
import org.amihes.dlms.MeterAssociations;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterSpec;
import org.amihes.service.testing.SoftHsmToken;
import org.amihes.simulator.VendorProfile;

/**
 * Issue 13's benchmark: one image (512 KiB by default) to N simulated meters at a per-answer latency (100 ms ± 20 ms
 * by default), through the whole head-end (firmware-service campaign → RabbitMQ → association-service → the meters'
 * management associations, keys from security-service) against a <b>bare baseline</b> beside it: dlms-core alone
 * transferring the same image to the same meters, one association per meter, all meters at once (or {@code inFlight=N}
 * at a time on both sides: the campaign's concurrency and batch size), no broker, no
 * database. Reports wall time, blocks/s, and bytes on the wire (every frame sent and received, as framed, counted by
 * dlms-core) against the image's bytes. The simulator runs as its own process and is restarted between the two, so
 * both meet meters on their factory firmware.
 *
 * <pre>./hes bench firmware [meters=1000 imageKiB=512 latencyMs=100 jitterMs=20 chunkKiB=64 profile=aurora-ax1 inFlight=N ...]
 * java -cp benchmarks.jar org.amihes.bench.FirmwareBenchmark meters=20 latencyMs=100 jitterMs=20 imageKiB=512
 *      [chunkKiB=64] [profile=aurora-ax1] root=. db=amihes_bench vhost=amihes-bench resetDb=true
 *      report=benchmarks/reports/firmware.md</pre>
 * security-service takes the HSM from the environment (HES_HSM_*, SOFTHSM2_CONF, as {@code ./hes} sets them), else the
 * tests' SoftHSM2 token. Both sides are checked with the simulator's own state when it stops ({@code --state-out}):
 * every meter on the image, one flash write per block.
 */
public final class FirmwareBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FirmwareBenchmark() {
    }

    /**
     * @param cpuSeconds CPU time of the side's own processes (bare: the benchmark's JVM; pipeline: firmware-,
     *                   association- and security-service), the simulator's excluded
     */
    record Phase(String name, double seconds, long meters, long ok, long blocks, long wireBytes, double cpuSeconds,
                 String note) {
    }

    /**
     * What the simulator says after a side ran (its --state-out, written when it stops): meters on the image, and
     * flash writes against the image's blocks on every meter (the simulator's model of image_block_size).
     */
    record Check(long upgraded, long flashWrites, long expectedFlashWrites, long meters) {
        boolean passed() {
            return upgraded == meters && flashWrites == expectedFlashWrites;
        }

        String detail() {
            return upgraded + "/" + meters + " meters on the image, " + flashWrites + " flash writes for "
                    + expectedFlashWrites + " blocks";
        }
    }

    /** One run: both sides, their checks, the firmware-service result writes, and the report. */
    record Result(Phase bare, Check bareCheck, Phase pipeline, Check pipelineCheck, double resultTransactions,
                  double resultsApplied, String markdown) {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>();
        int imageKiB = 512;
        int chunkKiB = 64;
        for (String a : args) {
            if (a.startsWith("imageKiB=")) {
                imageKiB = Integer.parseInt(a.substring(9));
            } else if (a.startsWith("chunkKiB=")) {
                chunkKiB = Integer.parseInt(a.substring(9));
            } else {
                rest.add(a);
            }
        }
        String command = rest.stream().filter(a -> a.startsWith("command=")).map(a -> a.substring(8)).findFirst()
                .orElse("java -cp benchmarks/target/benchmarks.jar org.amihes.bench.FirmwareBenchmark " + String.join(" ", args));
        if (rest.stream().noneMatch(a -> a.startsWith("auth="))) {
            rest.add("auth=HLS"); // an image transfer needs the management association
        }
        if (rest.stream().noneMatch(a -> a.startsWith("report="))) {
            rest.add("report=" + Path.of("benchmarks/reports/firmware.md").toAbsolutePath());
        }
        boolean bounded = rest.stream().anyMatch(a -> a.startsWith("inFlight="));
        PipelineOptions o = PipelineOptions.parse(rest.toArray(String[]::new));
        // inFlight=N: at most N meters at once on both sides (the campaign's concurrency and batch size); else all
        Result r = run(o, imageKiB * 1024, chunkKiB * 1024, bounded ? Math.min(o.inFlight(), o.meters()) : o.meters(),
                command);
        Files.createDirectories(o.report().getParent());
        Files.writeString(o.report(), r.markdown());
        System.out.println(r.markdown());
        System.out.println("report: " + o.report());
        System.exit(r.bareCheck().passed() && r.pipelineCheck().passed() ? 0 : 1);
    }

    static Result run(PipelineOptions o, int imageSize, int chunkBytes, int lanes, String command) throws Exception {
        String runId = UUID.randomUUID().toString().substring(0, 6);
        Path dir = o.workDir().resolve("firmware-" + runId);
        Files.createDirectories(dir);
        Fleet fleet = Fleet.generate(o.meters(), o.profiles(), o.seed(), o.firstHost(), PipelineBenchmark.freePort())
                .withIdPrefix("FB" + runId + "-");
        Path fleetFile = dir.resolve("fleet.json");
        Path registry = dir.resolve("meter_registry.json");
        fleet.write(fleetFile);
        fleet.writeRegistry(registry, true);
        fleet.writeSecurityProfiles(dir.resolve("security_profiles.json"));
        fleet.writeKeys(dir.resolve("meter_keys.json"));
        if (o.resetDb()) {
            PipelineBenchmark.resetSchemas(o);
        }
        byte[] image = new byte[imageSize];
        new Random(o.seed() ^ System.nanoTime()).nextBytes(image); // new bytes each run: the same bytes under another identifier are refused by an image store that kept them
        String classpath = System.getProperty("java.class.path");
        List<Child> started = new CopyOnWriteArrayList<>();
        String loadBefore = loadAverage();
        try {
            Path bareState = dir.resolve("simulator-bare.tsv");
            Child simulator = PipelineBenchmark.startSimulator(o, dir, fleetFile, classpath, "meter-simulator",
                    List.of("--state-out", bareState.toString()));
            started.add(simulator);
            String bareIdentifier = "BARE-" + UUID.randomUUID().toString().substring(0, 8);
            Phase bare = bare(o, fleet, image, bareIdentifier, lanes);
            simulator.close();
            started.remove(simulator);
            Check bareCheck = check(bareState, fleet, bareIdentifier, imageSize);
            String loadBetween = loadAverage();
            Path pipelineState = dir.resolve("simulator-pipeline.tsv");
            simulator = PipelineBenchmark.startSimulator(o, dir, fleetFile, classpath, "meter-simulator-pipeline",
                    List.of("--state-out", pipelineState.toString()));
            started.add(simulator);
            VendorProfile p = VendorProfile.load(o.profiles().get(0));
            String identifier = p.manufacturer() + "-BENCH-" + UUID.randomUUID().toString().substring(0, 8);
            Pipeline pipeline = pipeline(o, dir, fleet, registry, image, identifier, chunkBytes, lanes, started);
            String loadAfter = loadAverage();
            simulator.close();
            started.remove(simulator);
            Check pipelineCheck = check(pipelineState, fleet, identifier, imageSize);
            String md = report(o, imageSize, chunkBytes, lanes, bare, bareCheck, pipeline, pipelineCheck, command,
                    List.of(loadBefore, loadBetween, loadAfter));
            return new Result(bare, bareCheck, pipeline.phase(), pipelineCheck, pipeline.resultTransactions(),
                    pipeline.resultsApplied(), md);
        } finally {
            PipelineBenchmark.stopAll(started);
        }
    }

    /** The machine's load average (1, 5, 15 min) now, from /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    static Check check(Path state, Fleet fleet, String identifier, int imageSize) throws Exception {
        Map<String, MeterSpec> byId = new java.util.HashMap<>();
        fleet.meters().forEach(m -> byId.put(m.meterId(), m));
        long upgraded = 0;
        long writes = 0;
        long expected = 0;
        for (String line : Files.readAllLines(state)) {
            String[] f = line.split("\t");
            MeterSpec m = byId.get(f[0]);
            if (m == null) {
                continue;
            }
            int blockSize = VendorProfile.load(m.profile()).imageBlockSize();
            upgraded += f[1].equals(identifier) ? 1 : 0;
            writes += Long.parseLong(f[2]);
            expected += (imageSize + blockSize - 1) / blockSize;
        }
        return new Check(upgraded, writes, expected, fleet.meters().size());
    }

    // ---- the bare baseline: dlms-core alone ----

    static Phase bare(PipelineOptions o, Fleet fleet, byte[] image, String identifier, int lanes) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            EventLoops loops = EventLoops.deploy(vertx, 2).toCompletionStage().toCompletableFuture().get();
            MeterAssociations associations = new MeterAssociations(vertx, loops, new Transports(vertx, Duration.ofSeconds(5)));
            InMemoryInvocationCounterStore counters = new InMemoryInvocationCounterStore();
            AtomicLong blocks = new AtomicLong();
            AtomicLong wire = new AtomicLong();
            AtomicLong ok = new AtomicLong();
            PipelineBenchmark.say("bare baseline: " + image.length + " bytes to " + o.meters() + " meters, " + lanes
                    + " at once");
            long cpu0 = ProcStats.cpuNanos(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            // lanes: each transfers to the next meter not yet taken until none are left
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.function.Supplier<Future<Void>> lane = new java.util.function.Supplier<>() {
                @Override
                public Future<Void> get() {
                    int i = next.getAndIncrement();
                    if (i >= fleet.meters().size()) {
                        return Future.succeededFuture();
                    }
                    MeterSpec m = fleet.meters().get(i);
                    SessionSettings s = BareBaseline.managementSettings(fleet, m, Duration.ofMillis(o.responseTimeoutMs()),
                            1024);
                    return associations.run(m.meterId(), s, counters, session -> transfer(session, identifier, image))
                            .onSuccess(d -> {
                                blocks.addAndGet(d.value()[0]);
                                wire.addAndGet(d.value()[1]);
                                ok.incrementAndGet();
                            })
                            .onFailure(e -> PipelineBenchmark.say("bare: " + m.meterId() + " failed: " + e.getMessage()))
                            .<Void>mapEmpty().otherwiseEmpty().compose(x -> get());
                }
            };
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < lanes; i++) {
                all.add(lane.get());
            }
            Future.join(all).toCompletionStage().toCompletableFuture().handle((x, e) -> null).get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (ProcStats.cpuNanos(ProcessHandle.current().pid()) - cpu0) / 1e9;
            return new Phase("bare dlms-core transfer loop (one association per meter)", seconds, o.meters(), ok.get(),
                    blocks.get(), wire.get(), cpu, "");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** image_block_size, initiate, every block, verify, activate: [blocks, bytes on the wire before the release]. */
    static Future<long[]> transfer(DlmsSession session, String identifier, byte[] image) {
        GXDLMSImageTransfer it = new GXDLMSImageTransfer("0.0.44.0.0.255");
        return session.read(it, 2).compose(bs -> {
            int blockSize = ((Number) bs).intValue();
            int count = (image.length + blockSize - 1) / blockSize;
            Future<Object> chain = session.invoke(it, 1, initiate(identifier, image.length), DataType.ARRAY);
            for (int i = 0; i < count; i++) {
                int n = i;
                chain = chain.compose(x -> session.invoke(it, 2, block(n, image, n * blockSize,
                        Math.min(blockSize, image.length - n * blockSize)), DataType.ARRAY));
            }
            return chain.compose(x -> session.invoke(it, 3, null, null))
                    .compose(x -> session.invoke(it, 4, null, null))
                    .map(x -> new long[] {count, session.bytesOnTheWire()});
        });
    }

    static byte[] initiate(String identifier, long size) {
        GXByteBuffer data = new GXByteBuffer();
        data.setUInt8(DataType.STRUCTURE.getValue());
        data.setUInt8(2);
        GXCommon.setData(null, data, DataType.OCTET_STRING, identifier.getBytes(StandardCharsets.US_ASCII));
        GXCommon.setData(null, data, DataType.UINT32, size);
        return data.array();
    }

    static byte[] block(long number, byte[] image, int from, int length) {
        GXByteBuffer data = new GXByteBuffer(length + 12);
        data.setUInt8(DataType.STRUCTURE.getValue());
        data.setUInt8(2);
        GXCommon.setData(null, data, DataType.UINT32, number);
        GXCommon.setData(null, data, DataType.OCTET_STRING, java.util.Arrays.copyOfRange(image, from, from + length));
        return data.array();
    }

    // ---- the pipeline: firmware-service campaign through the broker and association-service ----

    /** The pipeline side: its phase, and firmware-service's result writes (transactions, results applied). */
    record Pipeline(Phase phase, double resultTransactions, double resultsApplied) {
    }

    static Pipeline pipeline(PipelineOptions o, Path dir, Fleet fleet, Path registry, byte[] image, String identifier,
                             int chunkBytes, int lanes, List<Child> started) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("HES_DB_NAME", o.dbName());
        common.put("RABBITMQ_VHOST", o.vhost());
        common.put("HES_OTEL_DISABLED", "true");
        Map<String, String> securityEnv = new LinkedHashMap<>(common);
        if (System.getenv("HES_HSM_MODULE") == null && System.getenv("SOFTHSM2_CONF") == null) {
            // not run by ./hes (which names the project's token): the tests' SoftHSM2 token, as e2e-tests use it
            securityEnv.putAll(SoftHsmToken.ensure(SoftHsmToken.testConf(), "amihes-test").environment());
        }
        PipelineBenchmark.Security security = PipelineBenchmark.startSecurity(o, dir, securityEnv, started, http,
                new ArrayList<>());
        int assocPort = PipelineBenchmark.freePort();
        int fwPort = PipelineBenchmark.freePort();
        Map<String, String> assocEnv = new LinkedHashMap<>(DevCredentials.environment("association-service"));
        assocEnv.putAll(common);
        assocEnv.put("HTTP_PORT", Integer.toString(assocPort));
        assocEnv.put("HES_MAX_SESSIONS", Integer.toString(Math.max(lanes, 10)));
        // throughput against a bare loop without one: no bound on new associations per second
        assocEnv.put("HES_NEW_SESSIONS_PER_SECOND", "0");
        assocEnv.put("HES_RESPONSE_TIMEOUT", o.responseTimeoutMs() + "ms");
        assocEnv.put("HES_REGISTRY_FILE", registry.toString());
        assocEnv.put("HES_AUDIT_FILE", dir.resolve("logs/interop_audit.log").toString());
        assocEnv.put("HES_PUSH_PORT", "0"); // the push listener on a free port: 4059 may be the simulator's
        assocEnv.put("SECURITY_SERVICE_URL", "http://127.0.0.1:" + security.port());
        assocEnv.put("HES_OIDC_CLIENT_SECRET_FILE", org.amihes.service.testing.TestKeycloak.secretsDir()
                .resolve("association-service").toAbsolutePath().toString());
        Child association = Child.start("association-service", PipelineBenchmark.serviceCommand(o, "association-service"),
                assocEnv, dir.resolve("logs/association-service.log"), null);
        started.add(association);
        Map<String, String> fwEnv = new LinkedHashMap<>(DevCredentials.environment("firmware-service"));
        fwEnv.putAll(common);
        fwEnv.put("HTTP_PORT", Integer.toString(fwPort));
        fwEnv.put("HES_FIRMWARE_CHUNK_BYTES", Integer.toString(chunkBytes));
        Child firmware = Child.start("firmware-service", PipelineBenchmark.serviceCommand(o, "firmware-service"), fwEnv,
                dir.resolve("logs/firmware-service.log"), null);
        started.add(firmware);
        String assocUrl = "http://127.0.0.1:" + assocPort;
        String fwUrl = "http://127.0.0.1:" + fwPort;
        association.awaitHttp200(assocUrl + "/q/health/ready", Duration.ofMinutes(5));
        firmware.awaitHttp200(fwUrl + "/q/health/ready", Duration.ofMinutes(5));
        List<String> ids = fleet.meters().stream().map(MeterSpec::meterId).toList();
        awaitView(o, ids);
        VendorProfile p = VendorProfile.load(o.profiles().get(0));
        HttpResponse<String> up = http.send(PipelineBenchmark.authorized(URI.create(fwUrl + "/images?identifier=" + identifier
                        + "&version=" + identifier + "&vendor=" + p.manufacturer() + "&model=" + p.name()))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build(), HttpResponse.BodyHandlers.ofString());
        String imageId = JSON.readTree(up.body()).get("id").asText();
        String body = JSON.writeValueAsString(Map.of("imageId", imageId, "meterIds", ids, "concurrency", lanes,
                "batchSize", lanes));
        PipelineBenchmark.say("campaign: " + image.length + " bytes to " + o.meters() + " meters, " + lanes
                + " at once, chunks of " + chunkBytes);
        List<Child> services = List.of(security.child(), association, firmware);
        long cpu0 = services.stream().mapToLong(c -> ProcStats.cpuNanos(c.pid())).sum();
        String metrics0 = PipelineBenchmark.get(http, fwUrl + "/q/metrics");
        long t0 = System.nanoTime();
        HttpResponse<String> created = http.send(PipelineBenchmark.authorized(URI.create(fwUrl + "/campaigns"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "bench-" + identifier)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /campaigns answered " + created.statusCode() + ": " + created.body());
        }
        String campaign = JSON.readTree(created.body()).get("id").asText();
        JsonNode progress;
        long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(2);
        do {
            Thread.sleep(200);
            progress = JSON.readTree(PipelineBenchmark.get(http, fwUrl + "/campaigns/" + campaign));
        } while (!progress.get("done").asBoolean() && System.nanoTime() < deadline);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (services.stream().mapToLong(c -> ProcStats.cpuNanos(c.pid())).sum() - cpu0) / 1e9;
        String metrics = PipelineBenchmark.get(http, fwUrl + "/q/metrics");
        long ok = progress.path("byState").path("DONE").asLong();
        Phase phase = new Phase("full pipeline (firmware-service campaign, broker, association-service, security-service)",
                seconds, o.meters(), ok, progress.get("blocksDone").asLong(), progress.get("wireBytes").asLong(), cpu,
                "meters by state " + progress.get("byState") + "; chunks of " + chunkBytes + " bytes, one association each");
        return new Pipeline(phase,
                Prometheus.sum(metrics, "hes_firmware_result_transactions_total")
                        - Prometheus.sum(metrics0, "hes_firmware_result_transactions_total"),
                Prometheus.sum(metrics, "hes_firmware_results_applied_total")
                        - Prometheus.sum(metrics0, "hes_firmware_results_applied_total"));
    }

    static void awaitView(PipelineOptions o, List<String> ids) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try (Connection c = PipelineBenchmark.connect(o)) {
            while (System.nanoTime() < deadline) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM firmware.meter WHERE meter_id = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) == ids.size()) {
                            return;
                        }
                    }
                } catch (java.sql.SQLException notYet) {
                    // the schema is being migrated
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("firmware-service's registry view never got the fleet");
    }

    // ---- the report ----

    static String report(PipelineOptions o, int imageSize, int chunkBytes, int lanes, Phase bare, Check bareCheck, Pipeline pipe,
                         Check pipelineCheck, String command, List<String> load) {
        Phase pipeline = pipe.phase();
        StringBuilder md = new StringBuilder();
        md.append("# Firmware image transfer: full pipeline vs bare dlms-core loop\n\n");
        md.append(String.format(Locale.ROOT, "%s, commit %s, %d cores. Image %d bytes (%d KiB) to %d %s meters, %s ms ± %s ms "
                        + "per answer (simulator, its own process), %s on both sides.\n\n"
                        + "Reproduce: `%s`\n\n"
                        + "Load average (1 / 5 / 15 min) of the shared machine: %s before, %s between the two sides, %s "
                        + "after (other developers' builds and tests ran at the same time: the ratio is the figure to read, "
                        + "not the absolute times).\n\n",
                Instant.now(), commit(o), Runtime.getRuntime().availableProcessors(), imageSize, imageSize / 1024,
                o.meters(), o.profile(), PipelineOptions.num(o.latencyMs()), PipelineOptions.num(o.jitterMs()),
                lanes >= o.meters() ? "all meters at once" : "at most " + lanes + " meters at once (inFlight)", command,
                load.get(0), load.get(1), load.get(2)));
        md.append("| | wall time | meters upgraded | blocks | blocks/s | bytes on the wire | wire / image bytes | CPU s | CPU µs per block |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Phase p : List.of(bare, pipeline)) {
            double payload = (double) imageSize * p.ok();
            md.append(String.format(Locale.ROOT, "| %s | %.1f s | %d/%d | %d | %.0f | %d | %.3f | %.1f | %.0f |\n", p.name(),
                    p.seconds(), p.ok(), p.meters(), p.blocks(), p.blocks() / p.seconds(), p.wireBytes(),
                    payload == 0 ? 0 : p.wireBytes() / payload, p.cpuSeconds(),
                    p.blocks() == 0 ? 0 : p.cpuSeconds() * 1e6 / p.blocks()));
        }
        md.append(String.format(Locale.ROOT, "\nPipeline wall time / bare: **%.2f×**; blocks/s pipeline / bare: **%.2f**. %s\n\n",
                pipeline.seconds() / bare.seconds(), (pipeline.blocks() / pipeline.seconds()) / (bare.blocks() / bare.seconds()),
                pipeline.note()));
        md.append(String.format(Locale.ROOT, "Result writes (firmware-service): %.0f job results applied in %.0f transactions, "
                        + "%.1f results per transaction (one transaction per result message of association-service, "
                        + "which gathers up to 200 results a message).\n\n", pipe.resultsApplied(),
                pipe.resultTransactions(), pipe.resultTransactions() == 0 ? 0 : pipe.resultsApplied() / pipe.resultTransactions()));
        md.append("Checked with the simulator (its state when stopped): bare: ").append(bareCheck.detail())
                .append("; pipeline: ").append(pipelineCheck.detail()).append(".\n");
        md.append(bareCheck.passed() && pipelineCheck.passed()
                ? "Every meter was upgraded on both sides, each block written to flash once.\n"
                : "**FAILED: not every meter was upgraded with one flash write per block (see the logs in " + o.workDir() + ").**\n");
        md.append("\nBytes on the wire: every frame sent and received as framed (wrapper header or HDLC frames, ciphering "
                + "included), counted by dlms-core (`DlmsSession.bytesOnTheWire`) up to the end of each image transfer's "
                + "work (the release is not counted); the pipeline's are summed by firmware-service from each "
                + "`image-transfer` job's outcome (each chunk is its own association, so the AARQ/AARE of every chunk "
                + "counts; the firmware-read, verify and activate sessions do not). A block's round trip is one "
                + "image_block_transfer ACTION and its answer: at 100 ms per answer, a meter's transfer time is blocks × "
                + "~100 ms whoever drives it; the blocks of different meters go in parallel. CPU: the bare side's is the "
                + "benchmark JVM's own (dlms-core client); the pipeline's is firmware-, association- and "
                + "security-service's together (/proc, user + system); the simulator's is in neither.\n");
        return md.toString();
    }

    private static String commit(PipelineOptions o) {
        try {
            Process p = new ProcessBuilder("git", "-C", o.root().toString(), "rev-parse", "--short", "HEAD").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
