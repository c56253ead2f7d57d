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

    static Meter at(String id, String host, int logicalDevice) {
        return new Meter(id, "SIM", host, 4059, TransportKind.TCP_WRAPPER, 16, logicalDevice, AuthenticationLevel.NONE);
    }

    @Test
    void metersByAddressFollowTheirMovesWhetherAloneOrSeveralAtOneAddress() {
        MeterDirectory directory = new MeterDirectory();
        directory.put(at("A", "10.0.0.1", 1));
        directory.put(at("A", "10.0.0.1", 1)); // the same again
        assertThat(ids(directory.atAddress("10.0.0.1", 1))).containsExactly("A");
        directory.put(at("C", "10.0.0.1", 1));
        directory.put(at("B", "10.0.0.1", 1));
        directory.put(at("D", "10.0.0.1", 2));
        assertThat(ids(directory.atAddress("10.0.0.1", 1))).containsExactly("A", "B", "C");
        assertThat(ids(directory.atAddress("10.0.0.1", 2))).containsExactly("D");
        directory.put(at("B", "10.0.0.2", 1)); // moved away from a shared address
        directory.put(at("E", "10.0.0.3", 1));
        directory.put(at("E", "10.0.0.4", 1)); // moved away from its own address
        directory.put(at("F", "10.0.0.2", 1)); // joins a moved one
        assertThat(ids(directory.atAddress("10.0.0.1", 1))).containsExactly("A", "C");
        assertThat(ids(directory.atAddress("10.0.0.2", 1))).containsExactly("B", "F");
        assertThat(directory.atAddress("10.0.0.3", 1)).isEmpty();
        assertThat(ids(directory.atAddress("10.0.0.4", 1))).containsExactly("E");
        directory.put(at("A", "10.0.0.9", 1));
        directory.put(at("C", "10.0.0.9", 1));
        directory.put(at("D", "10.0.0.9", 2));
        assertThat(directory.atAddress("10.0.0.1", 1)).isEmpty();
        assertThat(directory.atAddress("10.0.0.1", 2)).isEmpty();
        assertThat(ids(directory.atAddress("10.0.0.9", 1))).containsExactly("A", "C");
        assertThat(directory.size()).isEqualTo(6);
    }
}
