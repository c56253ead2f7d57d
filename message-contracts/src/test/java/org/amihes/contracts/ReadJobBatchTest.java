package org.amihes.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReadJobBatchTest {

    @Test
    void aMetersRoutingKeyIsStableAndTheBucketsAreSpread() {
        // String.hashCode is specified by the Java Language Specification: the key never changes between processes
        assertThat(ReadJobBatch.routingKey("MTR000001")).isEqualTo("b" + Math.floorMod("MTR000001".hashCode(), 4096));
        assertThat(ReadJobBatch.routingKey("MTR000001")).isEqualTo(ReadJobBatch.routingKey("MTR000001"));
        Set<String> used = new HashSet<>();
        IntStream.range(0, 100_000).forEach(i -> used.add(ReadJobBatch.routingKey(String.format("MTR%06d", i))));
        assertThat(used.size()).isGreaterThan(4000);
    }
}
