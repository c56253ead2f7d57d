package org.amihes.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MeterJobBatchTest {

    @Test
    void aMetersRoutingKeyIsStableAndTheBucketsAreSpread() {
        // String.hashCode is specified by the Java Language Specification: the key never changes between processes
        assertThat(MeterJobBatch.routingKey("MTR000001")).isEqualTo("b" + Math.floorMod("MTR000001".hashCode(), 4096));
        assertThat(MeterJobBatch.routingKey("MTR000001")).isEqualTo(MeterJobBatch.routingKey("MTR000001"));
        Set<String> used = new HashSet<>();
        IntStream.range(0, 100_000).forEach(i -> used.add(MeterJobBatch.routingKey(String.format("MTR%06d", i))));
        assertThat(used.size()).isGreaterThan(4000);
    }

    private static MeterJob job(String id, JobPriority priority) {
        return new MeterJob(id, "b1", "M" + id, Instant.parse("2026-06-15T08:00:00Z"),
                new ReadRegisters(List.of(ReadRegisters.ACTIVE_ENERGY_IMPORT)), null, priority);
    }

    @Test
    void itsHeadersAnnounceItsJobsAndItsMostUrgentPriority() {
        MeterJobBatch batch = new MeterJobBatch(List.of(job("1", JobPriority.SCHEDULED), job("2", JobPriority.ON_DEMAND),
                job("3", JobPriority.SCHEDULED)));
        assertThat(batch.headers()).containsEntry("hes-jobs", 3).containsEntry("hes-priority", "ON_DEMAND");
        assertThat(MeterJobBatch.announced(batch.headers()))
                .contains(new MeterJobBatch.Announced(3, JobPriority.ON_DEMAND));
        MeterJobBatch scheduled = new MeterJobBatch(List.of(job("4", JobPriority.SCHEDULED)));
        assertThat(MeterJobBatch.announced(scheduled.headers()))
                .contains(new MeterJobBatch.Announced(1, JobPriority.SCHEDULED));
    }

    /** AMQP hands header strings over as its own type (not String): read through their text. */
    @Test
    void headersAreReadThroughTheirText() {
        CharSequence jobs = new StringBuilder("7");
        CharSequence priority = new StringBuilder("SCHEDULED");
        assertThat(MeterJobBatch.announced(Map.of("hes-jobs", jobs, "hes-priority", priority)))
                .contains(new MeterJobBatch.Announced(7, JobPriority.SCHEDULED));
        assertThat(MeterJobBatch.announced(Map.of("hes-jobs", 7L, "hes-priority", "ON_DEMAND")))
                .contains(new MeterJobBatch.Announced(7, JobPriority.ON_DEMAND));
    }

    @Test
    void headersThatDoNotReadAnnounceNothing() {
        assertThat(MeterJobBatch.announced(null)).isEmpty();
        assertThat(MeterJobBatch.announced(Map.of())).isEmpty();
        assertThat(MeterJobBatch.announced(Map.of("hes-jobs", 3))).isEmpty();
        assertThat(MeterJobBatch.announced(Map.of("hes-priority", "ON_DEMAND"))).isEmpty();
        assertThat(MeterJobBatch.announced(Map.of("hes-jobs", "three", "hes-priority", "ON_DEMAND"))).isEmpty();
        assertThat(MeterJobBatch.announced(Map.of("hes-jobs", 3, "hes-priority", "URGENT"))).isEmpty();
        assertThat(MeterJobBatch.announced(Map.of("hes-jobs", 0, "hes-priority", "ON_DEMAND"))).isEmpty();
        assertThat(MeterJobBatch.announced(Map.of("hes-jobs", 101, "hes-priority", "ON_DEMAND"))).isEmpty();
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("hes-jobs", null);
        withNull.put("hes-priority", "ON_DEMAND");
        assertThat(MeterJobBatch.announced(withNull)).isEmpty();
    }
}
