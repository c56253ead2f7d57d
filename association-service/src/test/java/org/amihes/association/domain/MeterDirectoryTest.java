package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.transport.TransportKind;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MeterDirectoryTest {

    static Meter meter(String id) {
        return new Meter(id, "SIM", "127.0.0.1", 4059, TransportKind.TCP_WRAPPER, 16, 1, AuthenticationLevel.NONE);
    }

    static List<String> ids(List<Meter> meters) {
        return meters.stream().map(Meter::meterId).toList();
    }

    @Test
    void aPrefixSelectsExactlyTheIdsThatStartWithItInOrder() {
        MeterDirectory directory = new MeterDirectory();
        List.of("B2", "A", "AB", "A\uffff", "A\uffffZ", "B", "AA", "B\uffff\uffff", "C").forEach(id -> directory.put(meter(id)));

        assertThat(ids(directory.select("A").page(0, 100))).containsExactly("A", "AA", "AB", "A\uffff", "A\uffffZ");
        assertThat(directory.select("A").size()).isEqualTo(5);
        assertThat(ids(directory.select("A\uffff").page(0, 100))).containsExactly("A\uffff", "A\uffffZ");
        assertThat(ids(directory.select("B\uffff").page(0, 100))).containsExactly("B\uffff\uffff");
        assertThat(ids(directory.select("B").page(1, 1))).containsExactly("B2");
        assertThat(directory.select("Z").size()).isZero();
        assertThat(directory.select("").size()).isEqualTo(9);
    }

    @Test
    void tenThousandMetersPageInIdOrder() {
        MeterDirectory directory = new MeterDirectory();
        IntStream.range(0, 10_000).map(i -> 9_999 - i).forEach(i -> directory.put(meter(String.format("M%05d", i))));
        directory.put(meter("N0"));
        MeterDirectory.Selection m = directory.select("M");
        assertThat(m.size()).isEqualTo(10_000);
        assertThat(ids(m.page(9_998, 5))).containsExactly("M09998", "M09999");
        assertThat(ids(m.page(0, 10_000))).isSorted().hasSize(10_000);
    }
}
