package org.amihes.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.amihes.bench.PipelineBenchmark.Phase;

/** The Markdown report of a {@link PipelineBenchmark} run. */
final class Report {

    private static final double MIB = 1024.0 * 1024.0;

    private Report() {
    }

    /** Seconds the process's JIT spent compiling in the phase, the methods it compiled, its compiler threads' CPU. */
    private static String jit(Phase p, String process) {
        PerfCounters.Jit j = p.jit().get(process);
        if (j == null) {
            return "–";
        }
        String cpu = Double.isNaN(j.cpuSeconds()) ? "" : String.format(Locale.ROOT, "; CPU %.1f s", j.cpuSeconds());
        return String.format(Locale.ROOT, "%.1f (%,d methods%s)", j.seconds(), j.compiles(), cpu);
    }

    static String markdown(PipelineOptions o, List<Phase> bare, List<Phase> pipeline, Map<String, String> profiles,
                           List<String> setup) {
        List<Phase> all = new ArrayList<>(bare);
        all.addAll(pipeline);
        Phase best = bare.stream().max(Comparator.comparingDouble(Phase::metersPerSecond)).orElseThrow();
        StringBuilder md = new StringBuilder();
        md.append("# Full pipeline vs bare Gurux + Vert.x loop\n\n");
        md.append(String.format(Locale.ROOT, """
                Run %s, commit %s, on %s; %s.

                Reproduce: `%s`

                %d simulated meters (%s, one loopback address each from %s), %s ms ± %s ms added per answer by the
                simulator (normal draw, seeded), answer loss %s, %d sessions in flight, authentication %s. One session:
                connect, AARQ/AARE, %s, RLRQ/RLRE, close.
                Services: association-service and polling-service%s (packaged quarkus-run.jar, -Xmx%s and ParallelGC each, as shipped%s), RabbitMQ vhost
                `%s`, PostgreSQL database `%s`. Bare loop: -Xmx%s, its own JVM. Simulator: its own JVM.
                %s
                """, Instant.now().truncatedTo(ChronoUnit.SECONDS), git(o), ProcStats.machine(), javaVersion(),
                o.command(), o.meters(), o.profile(), o.firstHost(), PipelineOptions.num(o.latencyMs()),
                PipelineOptions.num(o.jitterMs()), PipelineOptions.num(o.loss()), o.inFlight(), authentication(o),
                o.profileDay() ? "the load profile of yesterday (UTC), both sides: capture objects, capture period, "
                        + "scaler_unit of the captured registers, the buffer by range (selective access)"
                        : "GET-with-list (energy scaler_unit and value, clock)",
                o.secured() ? ", security-service" : "", o.serviceXmx(),
                PipelineBenchmark.experimentJvmOpts().isEmpty() ? "" : "; with `"
                        + PipelineBenchmark.EXPERIMENT_JVM_OPTS + "=" + PipelineBenchmark.experimentJvmOpts() + "`",
                o.vhost(), o.dbName(), o.bareXmx(),
                o.secured() ? SECURED : ""));
        if (!setup.isEmpty()) {
            md.append(o.rotate() ? "Set-up, and the step between the batches (neither in the batches' figures):\n\n"
                    : "Set-up (before the measured passes and batches):\n\n");
            setup.forEach(line -> md.append("- ").append(line).append('\n'));
            md.append('\n');
        }

        md.append("| |");
        all.forEach(p -> md.append(' ').append(p.label()).append(" |"));
        md.append("\n|---|");
        all.forEach(p -> md.append("---:|"));
        md.append('\n');
        row(md, all, "wall time (s)", p -> f2(p.wallNanos() / 1e9));
        row(md, all, "  of which " + request(o) + " until 202 (s)", p -> p.acceptNanos() < 0 ? "–" : f2(p.acceptNanos() / 1e9));
        row(md, all, "meters/s", p -> f0(p.metersPerSecond()));
        row(md, all, "read ok / failed", p -> p.ok() + " / " + p.failed());
        row(md, all, "session p50 (ms)", p -> f1(p.p50Ms()));
        row(md, all, "session p99 (ms)", p -> f1(p.p99Ms()));
        row(md, all, "**CPU per read (µs)**: bare client / the services", p -> "**" + f0(p.cpuMicrosPerRead()) + "**");
        row(md, all, "  association-service (µs)", p -> perRead(p.cpuNanos().get("association-service"), p.meters()));
        row(md, all, "  polling-service (µs)", p -> perRead(p.cpuNanos().get("polling-service"), p.meters()));
        if (o.secured()) {
            row(md, all, "  security-service (µs): keys, invocation counters", p -> perRead(p.cpuNanos().get("security-service"), p.meters()));
        }
        row(md, all, "peak heap (MiB): bare client", p -> mib(p.peakHeap().get("bare client")));
        row(md, all, "  association-service", p -> mib(p.peakHeap().get("association-service")));
        row(md, all, "  polling-service", p -> mib(p.peakHeap().get("polling-service")));
        row(md, all, "peak RSS, VmHWM (MiB): bare client", p -> mib(p.peakRss().get("bare client")));
        row(md, all, "  association-service", p -> mib(p.peakRss().get("association-service")));
        row(md, all, "  polling-service", p -> mib(p.peakRss().get("polling-service")));
        row(md, all, "JIT compiling (s, summed over compiler threads): bare client", p -> jit(p, "bare client"));
        row(md, all, "  association-service", p -> jit(p, "association-service"));
        row(md, all, "  polling-service", p -> jit(p, "polling-service"));
        if (o.secured()) {
            row(md, all, "  security-service", p -> jit(p, "security-service"));
        }
        row(md, all, "**throughput vs best bare pass**", p -> "**" + f2(p.metersPerSecond() / best.metersPerSecond()) + "×**");
        row(md, all, "CPU per read vs best bare pass", p -> f2(p.cpuMicrosPerRead() / best.cpuMicrosPerRead()) + "×");
        row(md, all, "simulator CPU per read (µs, neither side)", p -> perRead(p.otherCpuNanos().get("simulator"), p.meters()));
        row(md, all, "RabbitMQ CPU per read (µs, shared broker)", p -> perRead(p.otherCpuNanos().get("RabbitMQ (beam.smp)"), p.meters()));
        row(md, all, "PostgreSQL CPU per read (µs, shared server)",
                p -> perRead(p.otherCpuNanos().get("PostgreSQL (all postgres processes)"), p.meters()));
        row(md, all, "machine busy (% of all cores)", p -> Double.isNaN(p.machineBusy()) ? "–" : f0(100 * p.machineBusy()) + " %");
        row(md, all, "every meter read once (none failed without injected loss), stored once", p -> p.check().passed() ? "PASS" : "**FAIL**");

        md.append(String.format(Locale.ROOT, "%nBest bare pass: %s (%s meters/s, %s µs CPU per read).%n%n",
                best.label(), f0(best.metersPerSecond()), f0(best.cpuMicrosPerRead())));

        md.append("## Targets (issue 15: 100,000 meters, 100 ms ± 20 ms, 1,000 in flight)\n\n");
        boolean targetRun = o.meters() == 100_000 && o.latencyMs() == 100 && o.jitterMs() == 20 && o.inFlight() == 1000;
        if (!targetRun) {
            md.append("This run is not the target configuration: the verdicts below say how this run compares, not "
                    + "whether the targets are met.\n\n");
        }
        md.append("| target | this run | |\n|---|---|---|\n");
        for (Phase p : pipeline) {
            double ratio = p.metersPerSecond() / best.metersPerSecond();
            md.append(String.format(Locale.ROOT, "| throughput ≥ 0.8× bare, %s | %s× | %s |%n", p.label(), f2(ratio),
                    ratio >= 0.8 ? "met" : "not met"));
        }
        for (Phase p : pipeline) {
            double ratio = p.cpuMicrosPerRead() / best.cpuMicrosPerRead();
            md.append(String.format(Locale.ROOT, "| HES CPU per read ≤ 2× bare client, %s | %s× | %s |%n", p.label(),
                    f2(ratio), ratio <= 2 ? "met" : "not met"));
        }
        long assocHeap = pipeline.stream().mapToLong(p -> p.peakHeap().getOrDefault("association-service", -1L)).max().orElse(-1);
        md.append(String.format(Locale.ROOT, "| 10,000 associations at once in one association-service, heap ≤ 512 MiB "
                        + "| %d in flight, peak heap %s MiB | %s |%n%n", o.inFlight(), mib(assocHeap),
                o.inFlight() >= 10_000 ? (assocHeap >= 0 && assocHeap <= 512 * MIB ? "met" : "not met")
                        : "not measured (needs inFlight=10000)"));

        md.append("## Correctness\n\n");
        all.forEach(p -> md.append("- ").append(p.label()).append(": ").append(p.check().passed() ? "PASS" : "FAIL")
                .append(" — ").append(p.check().detail()).append('\n'));

        md.append("""

                ## How it is measured

                - **Wall time**: bare loop, from the first session started to the last ended; pipeline, from `POST /reads`
                  (with the fleet's meter ids; with `schedule=true`, `POST /schedules/{id}/run` of a schedule listing them) sent to `GET /reads/{id}` first answering `done` (polled every 100 ms), so it
                  includes storing and publishing the jobs and storing every result.
                - **Session time**: bare loop, each session timed in the client (exact percentiles). Pipeline,
                  association-service's timer `hes.meter.session` (percentile histogram, from `/q/metrics` before and
                  after the batch, quantiles interpolated inside buckets as `histogram_quantile` does); it spans
                  `MeterSessions.run` in `JobExecutor`, i.e. per-meter serialisation and admission (a replica takes at
                  most twice the session bound of jobs out of their messages, so a job waits about one session at most
                  for its turn) plus the session itself.
                - **CPU per read**: utime + stime from `/proc/<pid>/stat` of each process over the pass or batch, divided by
                  the meters. The simulator runs in its own JVM, so its CPU is attributed to neither side (shown apart).
                  RabbitMQ and PostgreSQL are machine-wide servers shared with anything else running on this machine:
                  their rows are indicative only.
                - **Peak heap**: bare loop, `MemoryMXBean` heap used sampled every 200 ms in its JVM; services,
                  the used bytes of every heap space from the counters the JVM publishes in its hsperfdata file (what
                  `jstat` reads; reading them runs nothing in the service), sampled during each batch.
                  **Peak RSS**: `VmHWM` of `/proc/<pid>/status` at the end of the pass or batch (peak since the JVM started).
                - **JIT compiling**: HotSpot's own counters in each JVM's hsperfdata file (`java.ci.totalTime` in ticks of
                  `sun.os.hrt.frequency`, `sun.ci.standardCompiles` + `sun.ci.osrCompiles`), from the start to the end of
                  the pass or batch: time spent compiling, summed over the compiler threads (HotSpot times each
                  compilation from its start to its end, so a compiler thread waiting for a core counts), and how many
                  methods were compiled; beside them the CPU the compiler threads used (user + system of the JVM's
                  `C1 CompilerThread*` and `C2 CompilerThread*` threads in `/proc/<pid>/task`): the part of the
                  process's CPU per read that compiling took.
                - **Correctness**: bare loop, every meter's session ok or failed exactly once; pipeline, `GET /reads/{id}`
                  counts, and in PostgreSQL one job per meter for the batch, none pending, and as many readings (one
                  register) as meters read ok, each for a distinct meter. Without injected loss, any failed read fails
                  the check.
                - The first pipeline batch runs right after the services reported ready (cold JIT); the bare loop's first
                  pass is cold too. Ratios are against the best bare pass.
                """);

        if (!profiles.isEmpty()) {
            md.append("\n## Where the time goes (JFR, `settings=profile`)\n\n");
            md.append("Services recorded over all batches (`jcmd JFR.start` after ready, `JFR.dump` after the last "
                    + "batch); the bare loop over all its passes. Summarised by `org.amihes.bench.JfrSummary`. "
                    + "The recording costs CPU itself: compare CPU figures with a run without `jfr=true`.\n\n");
            profiles.forEach((name, text) -> md.append("### ").append(name).append("\n\n").append(text).append('\n'));
        }
        return md.toString();
    }

    private static final String SECURED = """

            Secured (`auth=HLS`): each meter over its vendor's management association (HLS-GMAC suite 0, HLS-ECDSA suite 2,
            HLS-SHA256, or LLS over HDLC for the vendor without HLS), as `./hes run` reads. The pipeline gets each meter's
            security profile and keys from security-service (imported from the simulator's files as a utility would; keys
            wrapped under the SoftHSM2 master key) and its invocation counters in windows reserved there; the bare loop
            holds the same keys in memory and keeps counters in memory. The simulator is restarted between the bare loop
            and the pipeline so both meet meters whose invocation counters start fresh. security-service's CPU counts
            on the services' side.
            """;

    private static String authentication(PipelineOptions o) {
        return o.secured() ? "HLS (management association with keys)" : "none (public client)";
    }

    private static void row(StringBuilder md, List<Phase> phases, String title, Function<Phase, String> cell) {
        md.append("| ").append(title).append(" |");
        for (Phase p : phases) {
            String v;
            try {
                v = cell.apply(p);
            } catch (RuntimeException e) {
                v = "–";
            }
            md.append(' ').append(v == null ? "–" : v).append(" |");
        }
        md.append('\n');
    }

    private static String perRead(Long nanos, int meters) {
        return nanos == null || nanos < 0 ? "–" : f0(nanos / 1e3 / meters);
    }

    private static String mib(Long bytes) {
        return bytes == null || bytes < 0 ? "–" : f0(bytes / MIB);
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String javaVersion() {
        return "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    private static String git(PipelineOptions o) {
        try {
            Process p = new ProcessBuilder("git", "-C", o.root().toString(), "describe", "--always", "--dirty")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? "`" + out + "`" : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** The request that starts a batch: a read, a profile read, or a schedule's fire. */
    static String request(PipelineOptions o) {
        return o.profileDay() ? "POST /profiles/reads" : o.schedule() ? "POST /schedules/{id}/run" : "POST /reads";
    }
}
