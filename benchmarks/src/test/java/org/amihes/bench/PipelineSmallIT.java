package org.amihes.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.amihes.bench.PipelineBenchmark.Phase;
import org.amihes.bench.PipelineBenchmark.Result;
import org.junit.jupiter.api.Test;

/**
 * The pipeline benchmark's own code on a small fleet, in the default suite so the harness cannot rot: the simulator,
 * the bare loop and the packaged association-service and polling-service as processes, on the benchmark's own
 * database and RabbitMQ virtual host (amihes_bench, amihes-bench: {@code ./hes test} makes them and empties the virtual
 * host first, as {@code ./hes bench} does; the schemas are dropped at the start), so that neither what other tests left
 * in the test database nor jobs in the production queue names of the default virtual host meet it, and it leaves
 * nothing in either (on the test database and "/", it once sent an e2e test's unsent batches to the production queues,
 * where the next run's association-service took them). It asserts that every meter was read and stored exactly once
 * per batch, never a time; the report lands in target/pipeline-it.md.
 */
class PipelineSmallIT {

    static final int METERS = 2000;

    @Test
    void everyMeterIsReadAndStoredExactlyOncePerBatch() throws Exception {
        Result result = run("pipeline-it", "meters=" + METERS, "batches=2");

        assertThat(result.bare()).hasSize(1);
        Phase bare = result.bare().get(0);
        assertThat(bare.check().passed()).as(bare.check().detail()).isTrue();
        assertThat(bare.ok()).as("bare loop: every meter read").isEqualTo(METERS);
        // a cold pass compiles: every JVM of the run publishes its JIT's counters and the report shows them
        assertThat(bare.jit().get("bare client").compiles()).as("bare loop's first pass compiles").isPositive();

        assertThat(result.pipeline()).hasSize(2);
        for (Phase batch : result.pipeline()) {
            readAndStoredOnce(batch, METERS);
            assertThat(batch.failed()).as(batch.label()).isZero();
            assertThat(batch.jit()).as(batch.label() + ": JIT counters of both services").containsOnlyKeys(
                    "association-service", "polling-service");
        }
        assertThat(result.pipeline().get(0).jit().get("association-service").compiles())
                .as("the first batch after start compiles in association-service").isPositive();
        assertThat(result.markdown()).contains("| wall time (s) |").contains("every meter read once (none failed without injected loss), stored once")
                .contains("| JIT compiling (s, summed over compiler threads): bare client |");
    }

    /** {@code schedule=true}: the batch is a schedule's fire (its group lists the fleet), read and stored once. */
    @Test
    void aScheduleFireReadsAndStoresEveryMeterOnce() throws Exception {
        int meters = 1000;
        Result result = run("pipeline-schedule-it", "meters=" + meters, "batches=1", "schedule=true");

        assertThat(result.pipeline()).hasSize(1);
        readAndStoredOnce(result.pipeline().get(0), meters);
        assertThat(result.markdown()).contains("schedule (`POST /schedules`, its group listing the 1000 meters")
                .contains("| of which POST /schedules/{id}/run until 202 (s) |".replace("| of", "|   of"));
    }

    /**
     * A run on the small settings (20 ms ± 5 ms per answer, 200 in flight, one bare pass, the benchmark's database
     * emptied) with {@code options} besides, its work directory and report under target/ named {@code name}.
     */
    private static Result run(String name, String... options) throws Exception {
        Path root = Path.of(System.getProperty("hes.project.root", "..")).toAbsolutePath().normalize();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("latencyMs=20", "jitterMs=5",
                "inFlight=200", "barePasses=1", "resetDb=true", "root=" + root,
                "workDir=" + Path.of("target", name).toAbsolutePath(),
                "report=" + Path.of("target", name + ".md").toAbsolutePath()));
        args.addAll(java.util.List.of(options));
        PipelineOptions parsed = PipelineOptions.parse(args.toArray(String[]::new));
        Result result = PipelineBenchmark.run(parsed);
        Files.writeString(parsed.report(), result.markdown());
        return result;
    }

    /** The batch's own check passed, every meter read, one reading stored per meter, each of a distinct meter. */
    private static void readAndStoredOnce(Phase batch, int meters) {
        assertThat(batch.check().passed()).as(batch.label() + ": " + batch.check().detail()).isTrue();
        assertThat(batch.ok()).as(batch.label() + ": every meter read").isEqualTo(meters);
        assertThat(batch.check().storedRows()).as(batch.label() + ": one reading stored per meter").isEqualTo(meters);
        assertThat(batch.check().storedMeters()).as(batch.label() + ": readings of distinct meters").isEqualTo(meters);
    }
}
