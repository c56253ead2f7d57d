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

    /**
     * 10,000 meters with one job each and one meter with 250: every job in exactly one message, a message's jobs all
     * of one bucket (the one it is routed by), at most 100, and a meter's jobs in the order they were given.
     */
    @Test
    void jobsBecomeMessagesByBucketAtMostAHundredEach() {
        List<MeterJob> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            jobs.add(job(String.valueOf(i), i % 7 == 0 ? JobPriority.ON_DEMAND : JobPriority.SCHEDULED));
        }
        for (int k = 0; k < 250; k++) {
            jobs.add(new MeterJob("busy/" + k, "b1", "BUSY", Instant.parse("2026-06-15T08:00:00Z"),
                    new ReadRegisters(List.of(ReadRegisters.ACTIVE_ENERGY_IMPORT))));
        }
        List<MeterJobBatch> batches = MeterJobBatch.of(jobs);

        Map<String, Integer> perBucket = new HashMap<>();
        jobs.forEach(j -> perBucket.merge(MeterJobBatch.routingKey(j.meterId()), 1, Integer::sum));
        int expected = perBucket.values().stream().mapToInt(n -> (n + 99) / 100).sum();
        assertThat(batches).hasSize(expected);
        List<String> seen = new java.util.ArrayList<>();
        List<String> busy = new java.util.ArrayList<>();
        for (MeterJobBatch b : batches) {
            assertThat(b.jobs()).hasSizeBetween(1, 100);
            assertThat(b.jobs()).allMatch(j -> MeterJobBatch.routingKey(j.meterId()).equals(b.routingKey()));
            b.jobs().forEach(j -> seen.add(j.jobId()));
            b.jobs().stream().filter(j -> j.meterId().equals("BUSY")).forEach(j -> busy.add(j.jobId()));
        }
        assertThat(seen).hasSize(jobs.size()).containsExactlyInAnyOrderElementsOf(jobs.stream().map(MeterJob::jobId).toList());
        assertThat(busy).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 250).mapToObj(k -> "busy/" + k).toList());
    }

    /** On the wire a message is its jobs: what announces them travels in headers, not in the body. */
    @Test
    void itsBodyIsItsJobsAlone() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule());
        MeterJobBatch batch = new MeterJobBatch(List.of(job("1", JobPriority.ON_DEMAND)));
        com.fasterxml.jackson.databind.JsonNode tree = json.readTree(json.writeValueAsBytes(batch));
        List<String> fields = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("jobs");
    }
}
