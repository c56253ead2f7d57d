package org.amihes.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InMemoryInvocationCounterStore;
import org.amihes.dlms.InvocationCounterStore;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;

/**
 * The bare baseline of {@link PipelineBenchmark}, run as its own JVM so that its CPU, heap and RSS are its own (the
 * simulator runs in another process): dlms-core's {@link MeterReader} on Vert.x reads every meter of a fleet file
 * once per pass, at most {@code inFlight} sessions at a time, with the very session association-service opens for a
 * read job (connect, AARQ, GET-with-list energy scaler_unit + value + clock, release, close; same client address,
 * PDU size, response timeout and event-loop count). No broker, no database, no audit log.
 *
 * <p>Prints {@code PASS_START n}, then {@code RESULT {json}} and {@code PASS_END n} per pass on stdout, and
 * {@code DONE} at the end; the parent reads them.
 *
 * <pre>java -cp benchmarks.jar org.amihes.bench.BareBaseline fleet=fleet.json inFlight=1000 passes=2
 *      [responseTimeoutMs=5000] [maxPdu=1024] [jfr=bare.jfr] [auth=NONE|HLS] [profileFrom=ISO profileTo=ISO]</pre>
 * With {@code profileFrom} and {@code profileTo}, each session reads the meter's load profile (its vendor's OBIS
 * code) for capture times [from, to) instead of the registers, as association-service's read-profile command does:
 * capture objects (attribute 3), capture period (attribute 4), the captured registers' scaler_unit, the buffer by
 * range (selective access); the result counts the rows ({@code intervals}).
 * With {@code auth=HLS}, each meter's management association with its keys (as association-service opens it for a
 * meter whose registry entry names its security profile), invocation counters increasing across passes.
 */
public final class BareBaseline {

    private static final List<String> REGISTERS = List.of("1.0.1.8.0.255");
    /** Failed sessions by first line of their error, over all passes: printed to stderr at the end (the log). */
    private static final Map<String, Integer> FAILURES = new java.util.concurrent.ConcurrentHashMap<>();
    /** Profile mode: the range and each meter's profile, and the associations that read them (null otherwise). */
    private static Profile PROFILE;
    private static org.amihes.dlms.MeterAssociations PROFILES;
    private static final AtomicLong INTERVALS = new AtomicLong();

    /** A load-profile pass: capture times [from, to) of each meter's profile ({@code obis} by meter index). */
    record Profile(java.time.Instant from, java.time.Instant to, List<String> obis) {
    }

    private BareBaseline() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Args.parse(args, List.of("fleet", "inFlight", "passes", "responseTimeoutMs", "maxPdu", "jfr",
                "auth", "profileFrom", "profileTo"));
        Fleet fleet = Fleet.read(Path.of(Args.required(opts, "fleet")));
        int inFlight = Integer.parseInt(opts.getOrDefault("inFlight", "200"));
        int passes = Integer.parseInt(opts.getOrDefault("passes", "2"));
        Duration responseTimeout = Duration.ofMillis(Long.parseLong(opts.getOrDefault("responseTimeoutMs", "5000")));
        int maxPdu = Integer.parseInt(opts.getOrDefault("maxPdu", "1024"));
        boolean managed = opts.getOrDefault("auth", "NONE").equalsIgnoreCase("HLS");
        List<SessionSettings> sessions = fleet.meters().stream()
                .map(m -> managed ? managementSettings(fleet, m, responseTimeout, maxPdu) : settings(m, responseTimeout, maxPdu))
                .toList();
        List<String> meterIds = fleet.meters().stream().map(MeterSpec::meterId).toList();
        // secured sessions: each meter's invocation counter increases from pass to pass, as association-service's do
        InvocationCounterStore counters = managed ? new InMemoryInvocationCounterStore() : null;
        Profile profile = opts.containsKey("profileFrom") ? new Profile(java.time.Instant.parse(opts.get("profileFrom")),
                java.time.Instant.parse(Args.required(opts, "profileTo")),
                fleet.meters().stream().map(m -> VendorProfile.load(m.profile()).loadProfileObis()).toList()) : null;

        Recording recording = null;
        if (opts.containsKey("jfr")) {
            recording = new Recording(Configuration.getConfiguration("profile"));
            recording.setToDisk(true);
            recording.start();
        }
        Vertx vertx = Vertx.vertx();
        EventLoops loops = EventLoops.deploy(vertx, Runtime.getRuntime().availableProcessors())
                .toCompletionStage().toCompletableFuture().get();
        Transports transports = new Transports(vertx, Duration.ofSeconds(5));
        MeterReader reader = new MeterReader(vertx, loops, transports);
        PROFILES = profile == null ? null : new org.amihes.dlms.MeterAssociations(vertx, loops, transports);
        PROFILE = profile;
        HeapPeak heap = HeapPeak.start();
        ObjectMapper json = new ObjectMapper();
        long pid = ProcessHandle.current().pid();
        Optional<PerfCounters> perf = PerfCounters.of(pid); // its own: what the JIT did in each pass
        for (int pass = 1; pass <= passes; pass++) {
            System.out.println("PASS_START " + pass);
            System.out.flush();
            heap.reset();
            long cpu0 = ProcStats.cpuNanos(pid);
            Optional<PerfCounters.Jit> jit0 = perf.flatMap(PerfCounters::jit);
            Map<String, Object> result = pass(reader, meterIds, sessions, counters, inFlight);
            long cpu1 = ProcStats.cpuNanos(pid);
            Optional<PerfCounters.Jit> jit1 = perf.flatMap(PerfCounters::jit);
            if (jit0.isPresent() && jit1.isPresent()) {
                PerfCounters.Jit jit = jit1.get().minus(jit0.get());
                result.put("jitSeconds", jit.seconds());
                result.put("jitCompiles", jit.compiles());
                result.put("jitCpuSeconds", jit.cpuSeconds());
            }
            result.put("pass", pass);
            result.put("cpuNanos", cpu1 - cpu0);
            result.put("peakHeapBytes", heap.peak());
            result.put("peakRssBytes", ProcStats.peakRss(pid));
            System.out.println("RESULT " + json.writeValueAsString(result));
            System.out.println("PASS_END " + pass);
            System.out.flush();
        }
        if (recording != null) {
            recording.stop();
            recording.dump(Path.of(opts.get("jfr")));
            recording.close();
        }
        FAILURES.forEach((why, n) -> System.err.println("failed sessions: " + n + " × " + why));
        System.out.println("DONE");
        System.out.flush();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** The session association-service opens for a meter of the registry the fleet writes (Fleet#writeRegistry). */
    static SessionSettings settings(MeterSpec m, Duration responseTimeout, int maxPdu) {
        TransportKind transport = VendorProfile.load(m.profile()).framing() == VendorProfile.Framing.HDLC
                ? TransportKind.TCP_HDLC : TransportKind.TCP_WRAPPER;
        return new SessionSettings(m.host(), m.port(), transport, Fleet.PUBLIC_CLIENT, m.logicalDevice(),
                AuthenticationLevel.NONE, null, responseTimeout, maxPdu, null);
    }

    /**
     * The session association-service opens for a meter whose registry entry names its vendor's security profile
     * (Fleet#writeRegistry managed, Fleet#writeSecurityProfiles) with the keys of Fleet#writeKeys: the management
     * association, HLS with the vendor's mechanism, suite and policy on the HLS client, or LLS on the LLS client.
     */
    static SessionSettings managementSettings(Fleet fleet, MeterSpec m, Duration responseTimeout, int maxPdu) {
        VendorProfile p = VendorProfile.load(m.profile());
        TransportKind transport = p.framing() == VendorProfile.Framing.HDLC ? TransportKind.TCP_HDLC : TransportKind.TCP_WRAPPER;
        AuthenticationLevel level = AuthenticationLevel.valueOf(Fleet.managementAuthentication(p));
        if (level == AuthenticationLevel.LOW) {
            return new SessionSettings(m.host(), m.port(), transport, Fleet.managementClient(p), m.logicalDevice(),
                    level, m.llsPassword(), responseTimeout, maxPdu, null);
        }
        MeterKeys keys = fleet.keys(m);
        KeyPair headEnd = level == AuthenticationLevel.HIGH_ECDSA ? fleet.headEndSigningKey(p.securitySuite()) : null;
        SecuritySettings security = new SecuritySettings(p.securitySuite(),
                SecuritySettings.SecurityPolicy.valueOf(p.securityPolicy()), MeterKeys.HEAD_END_SYSTEM_TITLE,
                keys.blockCipherKey(), keys.authenticationKey(), null, 0, headEnd,
                headEnd == null ? null : keys.signingKey().getPublic(),
                level == AuthenticationLevel.HIGH_SHA256 ? keys.hlsSecret() : null);
        return new SessionSettings(m.host(), m.port(), transport, Fleet.managementClient(p), m.logicalDevice(), level,
                null, responseTimeout, maxPdu, security);
    }

    private static Map<String, Object> pass(MeterReader reader, List<String> meterIds, List<SessionSettings> sessions,
                                            InvocationCounterStore counters, int inFlight) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        INTERVALS.set(0);
        AtomicIntegerArray okPerMeter = new AtomicIntegerArray(sessions.size());
        long[] sessionNanos = new long[sessions.size()];
        long start = System.nanoTime();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < Math.min(inFlight, sessions.size()); i++) {
            lanes.add(lane(reader, meterIds, sessions, counters, next, failed, okPerMeter, sessionNanos));
        }
        Future.all(lanes).toCompletionStage().toCompletableFuture().get(2, TimeUnit.HOURS);
        long wall = System.nanoTime() - start;
        long[] sorted = sessionNanos.clone();
        Arrays.sort(sorted);
        int distinctOk = 0;
        int okTotal = 0;
        for (int i = 0; i < okPerMeter.length(); i++) {
            okTotal += okPerMeter.get(i);
            distinctOk += okPerMeter.get(i) > 0 ? 1 : 0;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sessions", sessions.size());
        r.put("ok", okTotal);
        r.put("distinctOk", distinctOk);
        r.put("failed", failed.get());
        r.put("wallNanos", wall);
        r.put("p50Nanos", percentile(sorted, 0.50));
        r.put("p99Nanos", percentile(sorted, 0.99));
        if (PROFILE != null) {
            r.put("intervals", INTERVALS.get());
        }
        return r;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** One of {@code inFlight} lanes: reads meters one after the other until none are left. */
    private static Future<Void> lane(MeterReader reader, List<String> meterIds, List<SessionSettings> sessions,
                                     InvocationCounterStore counters, AtomicInteger next, AtomicInteger failed,
                                     AtomicIntegerArray okPerMeter, long[] sessionNanos) {
        int i = next.getAndIncrement();
        if (i >= sessions.size()) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        long t0 = System.nanoTime();
        SessionSettings settings = sessions.get(i);
        Future<?> read = PROFILE != null ? readProfile(settings, PROFILE.obis().get(i))
                : counters != null && settings.security() != null
                ? reader.read(meterIds.get(i), settings, REGISTERS, counters)
                : reader.read(settings, REGISTERS);
        read.onComplete(ar -> {
            sessionNanos[i] = System.nanoTime() - t0; // each index written by one lane; read after Future.all
            if (ar.succeeded()) {
                okPerMeter.incrementAndGet(i);
            } else {
                failed.incrementAndGet();
                FAILURES.merge(String.valueOf(ar.cause().getMessage()).lines().findFirst().orElse("?"), 1, Integer::sum);
            }
            lane(reader, meterIds, sessions, counters, next, failed, okPerMeter, sessionNanos).onComplete(done);
        });
        return done.future();
    }

    /**
     * The bare work of one load-profile read: capture objects, capture period, the buffer rows of [from, to) by range
     * (inclusive to the second, as association-service asks), counted; no decoding into intervals, no storing.
     */
    private static Future<Integer> readProfile(SessionSettings settings, String obis) {
        return PROFILES.run(settings, session -> {
            gurux.dlms.objects.GXDLMSProfileGeneric pg = new gurux.dlms.objects.GXDLMSProfileGeneric(obis);
            return session.read(pg, 3).compose(v -> session.read(pg, 4))
                    .compose(v -> {
                        // scaler_unit of each captured register, as the read-profile command reads them
                        Future<Object> units = Future.succeededFuture();
                        for (var captured : pg.getCaptureObjects()) {
                            int classId = captured.getKey().getObjectType().getValue();
                            if (classId == 3 || classId == 4) {
                                units = units.compose(x -> session.read(captured.getKey(), 3));
                            }
                        }
                        return units;
                    })
                    .compose(v -> session.readRowsByRange(pg, PROFILE.from(), PROFILE.to().minusSeconds(1)))
                    .map(rows -> {
                        INTERVALS.addAndGet(rows.size());
                        return rows.size();
                    });
        }).map(org.amihes.dlms.MeterAssociations.Done::value);
    }

    /** Peak heap in use, sampled every 200 ms (the same quantity as jvm_memory_used_bytes{area="heap"} summed). */
    static final class HeapPeak {
        private final AtomicLong peak = new AtomicLong();
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        static HeapPeak start() {
            HeapPeak h = new HeapPeak();
            Thread t = new Thread(() -> {
                while (true) {
                    h.sample();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-peak");
            t.setDaemon(true);
            t.start();
            return h;
        }

        void sample() {
            peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        }

        void reset() {
            peak.set(0);
            sample();
        }

        long peak() {
            sample();
            return peak.get();
        }
    }
}
