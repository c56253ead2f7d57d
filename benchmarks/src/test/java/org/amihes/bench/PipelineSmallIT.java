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
        Path root = Path.of(System.getProperty("hes.project.root", "..")).toAbsolutePath().normalize();
        PipelineOptions options = PipelineOptions.parse("meters=" + METERS, "latencyMs=20", "jitterMs=5",
                "inFlight=200", "batches=2", "barePasses=1", "resetDb=true", "root=" + root,
                "workDir=" + Path.of("target", "pipeline-it").toAbsolutePath(),
                "report=" + Path.of("target", "pipeline-it.md").toAbsolutePath());

        Result result = PipelineBenchmark.run(options);
        Files.writeString(options.report(), result.markdown());

        assertThat(result.bare()).hasSize(1);
        Phase bare = result.bare().get(0);
        assertThat(bare.check().passed()).as(bare.check().detail()).isTrue();
        assertThat(bare.ok()).as("bare loop: every meter read").isEqualTo(METERS);
        // a cold pass compiles: every JVM of the run publishes its JIT's counters and the report shows them
        assertThat(bare.jit().get("bare client").compiles()).as("bare loop's first pass compiles").isPositive();

        assertThat(result.pipeline()).hasSize(2);
        for (Phase batch : result.pipeline()) {
            assertThat(batch.check().passed()).as(batch.label() + ": " + batch.check().detail()).isTrue();
            assertThat(batch.ok()).as(batch.label() + ": every meter read").isEqualTo(METERS);
            assertThat(batch.failed()).as(batch.label()).isZero();
            assertThat(batch.check().storedRows()).as(batch.label() + ": one reading stored per meter").isEqualTo(METERS);
            assertThat(batch.check().storedMeters()).as(batch.label() + ": readings of distinct meters").isEqualTo(METERS);
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
        Path root = Path.of(System.getProperty("hes.project.root", "..")).toAbsolutePath().normalize();
        int meters = 1000;
        PipelineOptions options = PipelineOptions.parse("meters=" + meters, "latencyMs=20", "jitterMs=5",
                "inFlight=200", "batches=1", "barePasses=1", "resetDb=true", "schedule=true", "root=" + root,
                "workDir=" + Path.of("target", "pipeline-schedule-it").toAbsolutePath(),
                "report=" + Path.of("target", "pipeline-schedule-it.md").toAbsolutePath());

        Result result = PipelineBenchmark.run(options);
        Files.writeString(options.report(), result.markdown());

        assertThat(result.pipeline()).hasSize(1);
        Phase batch = result.pipeline().get(0);
        assertThat(batch.check().passed()).as(batch.check().detail()).isTrue();
        assertThat(batch.ok()).as("every meter read").isEqualTo(meters);
        assertThat(batch.check().storedRows()).as("one reading stored per meter").isEqualTo(meters);
        assertThat(batch.check().storedMeters()).as("readings of distinct meters").isEqualTo(meters);
        assertThat(result.markdown()).contains("schedule (`POST /schedules`, its group listing the 1000 meters")
                .contains("| of which POST /schedules/{id}/run until 202 (s) |".replace("| of", "|   of"));
    }
}
