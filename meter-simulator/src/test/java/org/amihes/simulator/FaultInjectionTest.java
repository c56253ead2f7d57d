package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.objects.GXDLMSClock;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Injected faults are visible to a plain client: delay, closed connection, missing answer, unparseable answer. */
@Timeout(20)
class FaultInjectionTest {

    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.24.0.1", SimulatorOptions.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @AfterEach
    void heal() {
        fixture.simulator.setFaults(Faults.NONE);
        fixture.simulator.fleet().meters().forEach(m -> fixture.simulator.setFaults(m.meterId(), null));
    }

    @Test
    void latencyFollowsTheConfiguredNormalDistribution() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        fixture.simulator.setFaults(meter.meterId(), Faults.latency(100, 10));
        List<Long> millis = new ArrayList<>();
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            GXDLMSClock clock = new GXDLMSClock(CosemObjects.CLOCK);
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                c.read(clock, 2);
                millis.add((System.nanoTime() - start) / 1_000_000);
            }
        }
        assertThat(millis).allSatisfy(ms -> assertThat(ms).isBetween(70L, 400L)); // mean ± 3σ, plus scheduling slack
        assertThat(millis.stream().mapToLong(Long::longValue).average().orElseThrow()).isBetween(85.0, 200.0);
    }

    @Test
    void meterFaultsOverrideTheFleetWideOnes() throws Exception {
        MeterSpec slow = fixture.meter("aurora-ax1");
        MeterSpec exempt = fixture.meter("borealis-b7");
        fixture.simulator.setFaults(Faults.latency(300, 0));
        fixture.simulator.setFaults(exempt.meterId(), Faults.NONE);
        assertThat(fixture.simulator.faults(slow.meterId())).isEqualTo(Faults.latency(300, 0));
        assertThat(roundTripMillis(exempt)).isLessThan(250);
        assertThat(roundTripMillis(slow)).isGreaterThanOrEqualTo(300);
    }

    @Test
    void dropClosesTheConnectionInsteadOfAnswering() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        fixture.simulator.setFaults(meter.meterId(), Faults.NONE.withDrop(1));
        try (TestClient c = TestClient.publicClient(meter)) {
            assertThatThrownBy(c::associate).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void lossLeavesOneAnswerUnsentButTheConnectionOpen() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        fixture.simulator.setFaults(meter.meterId(), Faults.NONE.withLoss(1));
        try (TestClient c = TestClient.publicClient(meter).timeout(Duration.ofMillis(300))) {
            assertThatThrownBy(c::associate).isInstanceOf(SocketTimeoutException.class);
            fixture.simulator.setFaults(meter.meterId(), null);
            GXDLMSClock clock = new GXDLMSClock(CosemObjects.CLOCK);
            c.read(clock, 2); // the AARQ was processed, only its answer was lost
            assertThat(clock.getTime().getMeterCalendar().toInstant()).isEqualTo(Fixture.NOW);
        }
    }

    @Test
    void malformedWrapperAnswerIsACompleteFrameGuruxCannotParse() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        fixture.simulator.setFaults(meter.meterId(), Faults.NONE.withMalformed(1));
        try (TestClient c = TestClient.publicClient(meter)) {
            byte[] answer = c.raw(c.client.aarqRequest()[0]);
            assertThat(answer.length).isEqualTo(8 + (((answer[6] & 0xFF) << 8) | (answer[7] & 0xFF)));
            assertThat(answer[8]).isEqualTo((byte) 0xFF);
        }
        try (TestClient c = TestClient.publicClient(meter)) {
            assertThatThrownBy(c::associate).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid Command");
        }
    }

    @Test
    void malformedHdlcAnswerKeepsValidFramingButNotAValidApdu() throws Exception {
        MeterSpec meter = fixture.meter("corvus-c3");
        fixture.simulator.setFaults(meter.meterId(), Faults.NONE.withMalformed(1));
        try (TestClient c = TestClient.publicClient(meter).timeout(Duration.ofSeconds(2))) {
            c.client.parseUAResponse(c.exchange(c.client.snrmRequest()).getData()); // UA carries no APDU
            assertThatThrownBy(() -> c.client.parseAareResponse(c.exchangeAll(c.client.aarqRequest()).getData()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid Command");
        }
    }

    @Test
    void silentMeterStillNeverAnswers() throws Exception {
        MeterSpec meter = fixture.meter("borealis-b7");
        fixture.simulator.update(fixture.simulator.fleet().replace(meter.withFault(MeterSpec.Fault.SILENT)));
        try (TestClient c = TestClient.publicClient(meter).timeout(Duration.ofMillis(300))) {
            assertThatThrownBy(c::associate).isInstanceOf(SocketTimeoutException.class);
        } finally {
            fixture.simulator.update(fixture.simulator.fleet().replace(meter));
        }
    }

    private static long roundTripMillis(MeterSpec meter) throws Exception {
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            long start = System.nanoTime();
            c.read(new GXDLMSClock(CosemObjects.CLOCK), 2);
            return (System.nanoTime() - start) / 1_000_000;
        }
    }
}
