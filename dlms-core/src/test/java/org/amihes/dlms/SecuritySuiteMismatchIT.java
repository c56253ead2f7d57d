package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A head-end configured for another security suite than the meter's, with the meter's right keys: suites 0 and 1
 * both use AES-GCM-128 with 16-byte keys, so only the suite id in the security control byte (bits 0-3, Green Book)
 * differs, and the tag is right for it. The meter refuses the AARQ as undecipherable (exception-response
 * D8 02 05); {@link AssociationDiagnosis} reads the meter's suite over the public association and reports
 * DLMS-004. Meters: aurora-ax1 (suite 0) and its test-only variant test-gmac-suite1 (suite 1).
 */
@Timeout(30)
class SecuritySuiteMismatchIT {

    static final Instant NOW = Instant.parse("2026-06-06T06:06:06Z");
    static final AtomicLong COUNTER = new AtomicLong(1_000);

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(2, List.of("aurora-ax1", "test-gmac-suite1"), 606,
            "127.16.0.1").at(NOW);

    @ParameterizedTest(name = "{0} (suite {1}) read as suite {2}")
    @CsvSource({"aurora-ax1, 0, 1", "test-gmac-suite1, 1, 0"})
    void anAarqNamingAnotherSuiteEndsInDlms004(String profileName, int meterSuite, int clientSuite) throws Exception {
        MeterSpec meter = sim.meterOf(profileName);
        assertThat(VendorProfile.load(profileName).securitySuite()).isEqualTo(meterSuite);
        SessionSettings right = sim.managementSettings(meter,
                TransportKind.TCP_WRAPPER, COUNTER.addAndGet(1_000));
        SecuritySettings s = right.security();
        SessionSettings otherSuite = right.withSecurity(new SecuritySettings(clientSuite, s.policy(),
                s.clientSystemTitle(), s.blockCipherKey(), s.authenticationKey(), null, COUNTER.addAndGet(1_000),
                null, null, null));

        DlmsException e = failure(sim.reader().read(otherSuite, List.of(VendorProfile.load(profileName).energyObis())));

        assertThat(e.code()).isEqualTo(FailureCode.SECURITY_SUITE_MISMATCH);
        assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        assertThat(e.getMessage()).startsWith("DLMS-004: Security Suite Mismatch")
                .contains("uses suite " + meterSuite, "says suite " + clientSuite);
        // the AARQ's glo-initiate-request said the client's suite (SC 0x30 | suite); the meter answered at once
        assertThat(e.exchange()).anySatisfy(f -> assertThat(f).startsWith("TX ").contains("0421211F3" + clientSuite));
        assertThat(e.exchange()).anySatisfy(f -> assertThat(f).startsWith("RX ").endsWith("D80205"));

        // control: the same keys under the meter's suite read what the model says
        SessionSettings matching = right.withSecurity(right.security().withInvocationCounter(COUNTER.addAndGet(1_000)));
        VendorProfile profile = VendorProfile.load(profileName);
        MeterReading reading = await(sim.reader().read(matching, List.of(profile.energyObis())));
        assertThat(reading.meterTime()).isEqualTo(NOW);
        assertThat(reading.registers().get(0).raw())
                .isEqualByComparingTo(new BigDecimal(MeterModel.energyRaw(meter, profile, NOW)));
    }
}
