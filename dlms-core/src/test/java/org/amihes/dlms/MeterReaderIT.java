package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.amihes.dlms.SimulatorFixture.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The non-blocking client against simulated meters over loopback TCP; expected values from the simulator's model. */
class MeterReaderIT {

    static final Instant NOW = Instant.parse("2026-03-01T12:34:56Z");

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(8, VendorProfile.BUILT_IN, 7, "127.3.0.1").at(NOW);

    @ParameterizedTest
    @ValueSource(strings = {"MTR000001", "MTR000002", "MTR000003", "MTR000005", "MTR000006", "MTR000007"})
    void readsEnergyAndClockAsTheMeterHoldsThem(String meterId) throws Exception {
        MeterSpec meter = sim.meter(meterId);
        VendorProfile profile = VendorProfile.load(meter.profile());

        MeterReading reading = await(sim.reader().read(settingsFor(meter), List.of(profile.energyObis())));

        assertThat(reading.meterTime()).isEqualTo(NOW);
        assertThat(reading.warnings()).as("a healthy meter reads without deviations").isEmpty();
        MeterReading.Register energy = reading.registers().get(0);
        assertThat(energy.obis()).isEqualTo(profile.energyObis());
        assertThat(energy.scaler()).isEqualTo(profile.energyScaler());
        assertThat(energy.unit()).isEqualTo("Wh");
        assertThat(energy.raw()).isEqualByComparingTo(new java.math.BigDecimal(MeterModel.energyRaw(meter, profile, NOW)));
        assertThat(energy.value()).isEqualByComparingTo(MeterModel.energyValue(meter, profile, NOW));
    }

    @Test
    void registerMappedToNullIsAVendorFailure() {
        MeterSpec quirky = sim.meterOf("delta-q9");
        DlmsException e = failure(sim.reader().read(settingsFor(quirky), List.of("1.0.1.8.0.255")));
        assertThat(e.failureClass()).isEqualTo(FailureClass.VENDOR);
        assertThat(e.code()).isEqualTo(FailureCode.NULL_VALUE);
        assertThat(e.exchange()).isNotEmpty().anyMatch(f -> f.startsWith("RX "));
    }

    @Test
    void registerReadingZeroIsReadWithAVendorWarning() throws Exception {
        MeterSpec meter = sim.meter("MTR000001");
        MeterSpec fresh = new MeterSpec(meter.meterId(), meter.profile(), meter.host(), meter.port(), meter.logicalDevice(),
                meter.serialNumber(), meter.llsPassword(), 0, 0, MeterSpec.Fault.NONE); // a meter that never counted
        sim.simulator().update(sim.fleet().replace(fresh));
        try {
            MeterReading reading = await(sim.reader().read(settingsFor(fresh), List.of("1.0.1.8.0.255")));
            assertThat(reading.registers().get(0).raw()).isZero();
            assertThat(reading.warnings()).singleElement().asString()
                    .startsWith("DLMS-202: 1.0.1.8.0.255 reads 0");
        } finally {
            sim.simulator().update(sim.fleet().replace(meter));
        }
    }

    @Test
    void undefinedObjectIsAVendorFailure() {
        MeterSpec meter = sim.meter("MTR000001");
        DlmsException e = failure(sim.reader().read(settingsFor(meter), List.of("1.0.2.8.0.255")));
        assertThat(e.failureClass()).isEqualTo(FailureClass.VENDOR);
        assertThat(e.code()).isEqualTo(FailureCode.OBJECT_UNDEFINED);
    }

    @Test
    void nothingListeningIsConnectionRefused() throws IOException {
        SessionSettings nowhere = SessionSettings.publicClient("127.0.0.1", freePort(), TransportKind.TCP_WRAPPER);
        DlmsException e = failure(sim.reader().read(nowhere, List.of("1.0.1.8.0.255")));
        assertThat(e.failureClass()).isEqualTo(FailureClass.NETWORK);
        assertThat(e.code()).isEqualTo(FailureCode.CONNECTION_REFUSED);
    }

    @Test
    void silentMeterTimesOutAsNetworkFailure() {
        MeterSpec meter = sim.meter("MTR000001");
        sim.simulator().update(sim.fleet().replace(meter.withFault(MeterSpec.Fault.SILENT)));
        try {
            long start = System.nanoTime();
            DlmsException e = failure(sim.reader().read(settingsFor(meter).withResponseTimeout(Duration.ofMillis(300)),
                    List.of("1.0.1.8.0.255")));
            assertThat(e.failureClass()).isEqualTo(FailureClass.NETWORK);
            // silent from the AARQ on: DLMS-105, which names the likely causes (SilentAarqTest), not plain DLMS-102
            assertThat(e.code()).isEqualTo(FailureCode.AARQ_UNANSWERED);
            assertThat(e.exchange()).singleElement().asString().startsWith("TX ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            sim.simulator().update(sim.fleet().replace(meter));
        }
    }

    @Test
    void meterClosingOnTheAarqIsToldApartFromSilence() {
        MeterSpec meter = sim.meter("MTR000002");
        sim.simulator().update(sim.fleet().replace(meter.withFault(MeterSpec.Fault.DROP)));
        try {
            DlmsException e = failure(sim.reader().read(settingsFor(meter), List.of("1.0.1.8.0.255")));
            assertThat(e.code()).isEqualTo(FailureCode.CLOSED_AFTER_AARQ);
            assertThat(e.getMessage()).contains("likely a wrong password, key or client address");
        } finally {
            sim.simulator().update(sim.fleet().replace(meter));
        }
    }

    static SessionSettings settingsFor(MeterSpec meter) {
        VendorProfile profile = VendorProfile.load(meter.profile());
        TransportKind kind = profile.framing() == VendorProfile.Framing.HDLC ? TransportKind.TCP_HDLC : TransportKind.TCP_WRAPPER;
        return SessionSettings.publicClient(meter.host(), meter.port(), kind);
    }
}
