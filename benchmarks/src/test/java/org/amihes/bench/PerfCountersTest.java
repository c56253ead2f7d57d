package org.amihes.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heap a service uses, read from its hsperfdata counters ({@link PerfCounters}), against what that JVM says of
 * itself ({@code MemoryMXBean}): a child JVM with the services' collector (ParallelGC) holds 32 MiB after a full GC (in
 * the old generation), then 48 MiB more without one (in eden), and prints its own figure each time; the counters read
 * from outside must agree with both, so every generation's spaces are counted.
 */
class PerfCountersTest {

    /**
     * The child: for each argument ({@code 32gc}: 32 MiB, then a full GC; {@code 48}: 48 MiB, no GC) keeps what it
     * allocates, prints its heap in use and waits for the next line on stdin.
     */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            List<byte[]> kept = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            PrintStream out = System.out;
            for (String step : args) {
                for (int i = 0; i < Integer.parseInt(step.replace("gc", "")); i++) {
                    kept.add(new byte[1 << 20]);
                }
                if (step.endsWith("gc")) {
                    System.gc();
                }
                Thread.sleep(300); // the counters are sampled every 50 ms
                out.println(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                out.flush();
                in.readLine();
            }
            out.println(kept.size());
        }
    }

    @Test
    void theHeapInUseReadFromOutsideIsWhatTheJvmSaysOfItself() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:+UseParallelGC", "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), Holder.class.getName(), "32gc", "48")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintStream toChild = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            long first = Long.parseLong(lines.readLine());
            PerfCounters counters = PerfCounters.of(child.pid()).orElseThrow();
            try (counters) {
                assertThat((double) counters.heapUsed()).isCloseTo(first, within(2.0 * (1 << 20)));
                assertThat(first).as("32 MiB held").isGreaterThan(32L << 20);
                toChild.println();
                long second = Long.parseLong(lines.readLine());
                assertThat(second - first).as("48 MiB more held, in eden").isGreaterThan(46L << 20);
                assertThat((double) counters.heapUsed()).isCloseTo(second, within(2.0 * (1 << 20)));
            }
            toChild.println();
            assertThat(lines.readLine()).isEqualTo("80");
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The child: works until the JIT has compiled, prints its own compiling time (ms) and count, waits for a line. */
    public static final class Compiling {
        public static void main(String[] args) throws Exception {
            long sum = 0;
            for (int i = 0; i < 3_000_000; i++) {
                sum += Integer.toHexString(i).hashCode() ^ Long.toString(sum).length();
            }
            Thread.sleep(500); // compilations queued by the loop finish
            System.out.println(ManagementFactory.getCompilationMXBean().getTotalCompilationTime() + " " + (sum & 1));
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }

    /**
     * The JIT's work read from outside ({@code java.ci.totalTime}, {@code sun.ci.*Compiles}) is what the JVM says of
     * itself ({@code CompilationMXBean.getTotalCompilationTime}), and it compiled methods to get there; its compiler
     * threads' CPU from /proc is bounded by the process's CPU and by the compilations' time.
     */
    @Test
    void theJitsCompilingTimeReadFromOutsideIsWhatTheJvmSaysOfItself() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                Compiling.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintStream toChild = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            long ownMillis = Long.parseLong(lines.readLine().split(" ")[0]);
            try (PerfCounters counters = PerfCounters.of(child.pid()).orElseThrow()) {
                PerfCounters.Jit jit = counters.jit().orElseThrow();
                assertThat(ownMillis).as("the child compiled for a while").isPositive();
                // the same counter seen a moment later: never less, a little more at most if a compilation ended since
                assertThat(jit.seconds() * 1000).isBetween(ownMillis - 1.0, ownMillis + 250.0);
                assertThat(jit.compiles()).as("methods compiled").isGreaterThan(50);
                assertThat(jit.minus(jit)).isEqualTo(new PerfCounters.Jit(0, 0, 0));
                // the compiler threads' CPU: some, no more than the process's, and no more than their compilations
                // lasted (a thread uses at most one core while it runs; /proc counts in 10 ms ticks per thread)
                assertThat(jit.cpuSeconds()).isPositive()
                        .isLessThanOrEqualTo(ProcStats.cpuNanos(child.pid()) / 1e9)
                        .isLessThanOrEqualTo(jit.seconds() + 0.05);
            }
            toChild.println();
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessWithoutCountersHasNone() {
        assertThat(PerfCounters.of(Long.MAX_VALUE)).isEmpty();
    }
}
