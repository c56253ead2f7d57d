package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wrapper over UDP: one association per remote address and port, forgotten when idle. */
@Timeout(20)
class UdpTest {

    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.25.0.1",
                SimulatorOptions.DEFAULTS.withUdp(true).withUdpSessionIdle(Duration.ofMillis(300)));
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void readsRegistersAndLoadProfileOverUdp() throws Exception {
        MeterSpec meter = fixture.meter("borealis-b7");
        VendorProfile profile = VendorProfile.load(meter.profile());
        try (TestClient c = TestClient.udp(meter).associate()) {
            GXDLMSClock clock = new GXDLMSClock(CosemObjects.CLOCK);
            c.read(clock, 2);
            assertThat(clock.getTime().getMeterCalendar().toInstant()).isEqualTo(Fixture.NOW);
            GXDLMSRegister energy = new GXDLMSRegister(profile.energyObis());
            c.read(energy, 2);
            assertThat(((Number) energy.getValue()).longValue())
                    .isEqualTo(MeterModel.energyRaw(meter, profile, Fixture.NOW).longValueExact());

            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
            c.read(pg, 3);
            Instant from = Fixture.NOW.minus(Duration.ofHours(24));
            assertThat(c.readByRange(pg, from, Fixture.NOW)).map(LoadProfileTest::row) // several blocks of 512 bytes
                    .containsExactlyElementsOf(LoadProfileTest.expected(meter, profile, from, Fixture.NOW));
            c.release();
        }
    }

    @Test
    void eachSenderHasItsOwnAssociation() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        try (TestClient associated = TestClient.udp(meter).associate(); TestClient stranger = TestClient.udp(meter)) {
            GXDLMSClock clock = new GXDLMSClock(CosemObjects.CLOCK);
            assertThatThrownBy(() -> stranger.read(clock, 2)).isNotInstanceOf(java.net.SocketTimeoutException.class);
            associated.read(clock, 2);
            assertThat(clock.getTime().getMeterCalendar().toInstant()).isEqualTo(Fixture.NOW);
        }
    }

    @Test
    void idleAssociationIsForgotten() throws Exception {
        MeterSpec meter = fixture.meter("delta-q9");
        long sessionsBefore = fixture.simulator.meterState(meter.meterId()).sessions();
        try (TestClient c = TestClient.udp(meter).associate()) {
            assertThat(fixture.simulator.meterState(meter.meterId()).sessions()).isEqualTo(sessionsBefore + 1);
            Thread.sleep(800); // the test waits; the simulator's sweep is a Vert.x timer
            assertThatThrownBy(() -> c.read(new GXDLMSClock(CosemObjects.CLOCK), 2))
                    .isNotInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(fixture.simulator.meterState(meter.meterId()).sessions()).isEqualTo(sessionsBefore + 2);
        }
    }
}
