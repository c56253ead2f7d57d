package org.amihes.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
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
}
