package org.amihes.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.Faults;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;

/**
 * Sessions per second of the non-blocking client ({@link MeterReader} on Vert.x) against a blocking
 * thread-per-session client ({@link BlockingMeterReader}), in the same run, against the same simulated fleet with
 * the same added latency and the same number of sessions in flight. Writes a Markdown report.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.amihes.bench.SessionThroughput
 *      [meters=2000] [inFlight=200] [latencyMs=20] [jitterMs=5] [report=benchmarks/reports/session-throughput.md]</pre>
 */
public final class SessionThroughput {

    record Result(String client, int sessions, int failed, Duration elapsed) {
        double perSecond() {
            return sessions / (elapsed.toNanos() / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        int meters = arg(args, "meters", 2000);
        int inFlight = arg(args, "inFlight", 200);
        int latencyMs = arg(args, "latencyMs", 20);
        int jitterMs = arg(args, "jitterMs", 5);
        Path report = Path.of(args.length > 0 && args[args.length - 1].startsWith("report=")
                ? args[args.length - 1].substring(7) : "benchmarks/reports/session-throughput.md");

        Vertx vertx = Vertx.vertx();
        Vertx meterSide = Vertx.vertx(); // the simulated meters never share the client's event loops
        Fleet fleet = Fleet.generate(meters, List.of("aurora-ax1"), 1, "127.9.0.1", freePort());
        FleetSimulator simulator = FleetSimulator.start(meterSide, fleet, Clock.systemUTC(), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
        simulator.setFaults(Faults.latency(latencyMs, jitterMs));
        MeterReader reader = new MeterReader(vertx, EventLoops.deploy(vertx, Runtime.getRuntime().availableProcessors())
                .toCompletionStage().toCompletableFuture().get(), new Transports(vertx, Duration.ofSeconds(5)));

        // JIT warm-up: two whole passes each (one short pass left the longer non-blocking path half-compiled and
        // measured it at half its speed), then the mean of three measured passes each, interleaved.
        for (int i = 0; i < 2; i++) {
            nonBlocking(reader, fleet.meters(), inFlight);
            blocking(fleet.meters(), inFlight);
        }
        List<Result> nbRuns = new ArrayList<>();
        List<Result> blRuns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nbRuns.add(nonBlocking(reader, fleet.meters(), inFlight));
            blRuns.add(blocking(fleet.meters(), inFlight));
        }
        Result nb = total("non-blocking", nbRuns);
        Result bl = total("blocking", blRuns);

        String text = String.format(Locale.ROOT, """
                # Session throughput: non-blocking vs thread-per-session

                Run %s on %d cores. %d simulated meters (aurora-ax1, wrapper over loopback TCP), %d ms ± %d ms added
                per answer by the simulator, %d sessions in flight. One session = connect, AARQ/AARE, GET-with-list
                (energy scaler_unit and value, clock), RLRQ/RLRE, close. Simulator and client share the machine.
                Both clients warmed up on two passes over the fleet; figures are three measured passes each.

                | client | sessions | failed | seconds | sessions/s |
                |---|---|---|---|---|
                | non-blocking (dlms-core MeterReader, Vert.x) | %d | %d | %.2f | %.0f |
                | blocking, one thread per session (baseline) | %d | %d | %.2f | %.0f |

                Ratio non-blocking / blocking: **%.2f×**. Memory: the blocking client needs one thread stack per
                session in flight (%d threads here); the non-blocking one runs every session on %d event loops.
                """, Instant.now(), Runtime.getRuntime().availableProcessors(), meters, latencyMs, jitterMs, inFlight,
                nb.sessions(), nb.failed(), nb.elapsed().toMillis() / 1000.0, nb.perSecond(),
                bl.sessions(), bl.failed(), bl.elapsed().toMillis() / 1000.0, bl.perSecond(),
                nb.perSecond() / bl.perSecond(), inFlight, Runtime.getRuntime().availableProcessors());
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, text);
        System.out.println(text);
        simulator.close();
        meterSide.close();
        vertx.close();
    }

    private static Result total(String client, List<Result> runs) {
        return new Result(client, runs.stream().mapToInt(Result::sessions).sum(),
                runs.stream().mapToInt(Result::failed).sum(),
                runs.stream().map(Result::elapsed).reduce(Duration.ZERO, Duration::plus));
    }

    static Result nonBlocking(MeterReader reader, List<MeterSpec> meters, int inFlight) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            lanes.add(lane(reader, meters, next, failed));
        }
        Future.all(lanes).toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
        return new Result("non-blocking", meters.size(), failed.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** One of {@code inFlight} lanes: reads meters one after the other until none are left. */
    private static Future<Void> lane(MeterReader reader, List<MeterSpec> meters, AtomicInteger next, AtomicInteger failed) {
        int i = next.getAndIncrement();
        if (i >= meters.size()) {
            return Future.succeededFuture();
        }
        MeterSpec m = meters.get(i);
        Promise<Void> done = Promise.promise();
        reader.read(SessionSettings.publicClient(m.host(), m.port(), TransportKind.TCP_WRAPPER), List.of("1.0.1.8.0.255"))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        failed.incrementAndGet();
                    }
                    lane(reader, meters, next, failed).onComplete(done);
                });
        return done.future();
    }

    static Result blocking(List<MeterSpec> meters, int inFlight) throws Exception {
        AtomicInteger failed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(inFlight);
        long start = System.nanoTime();
        for (MeterSpec m : meters) {
            threads.execute(() -> {
                try {
                    BlockingMeterReader.read(m.host(), m.port(), 5000);
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            });
        }
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.MINUTES);
        return new Result("blocking", meters.size(), failed.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static int arg(String[] args, String name, int defaultValue) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return defaultValue;
    }

    private static int freePort() throws IOException {
        return PipelineBenchmark.freePort();
    }
}
