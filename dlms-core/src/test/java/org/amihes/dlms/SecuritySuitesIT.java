package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The security combinations the shipped vendor profiles do not cover, through test-only variants
 * (src/test/resources/profiles): HLS-ECDSA and HLS-GMAC on suite 1 (P-256, AES-GCM-128), the encrypted-only policy,
 * and a dedicated key.
 */
class SecuritySuitesIT {

    static final Instant NOW = Instant.parse("2026-05-05T05:05:05Z");
    static final List<String> VARIANTS = List.of("test-ecdsa-suite1", "test-gmac-encrypted", "test-gmac-suite1");

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(6, VARIANTS, 77, "127.12.0.1").at(NOW);

    @ParameterizedTest
    @ValueSource(strings = {"test-ecdsa-suite1", "test-gmac-encrypted", "test-gmac-suite1"})
    void variantReadsWhatTheMeterHolds(String profileName) throws Exception {
        MeterSpec meter = sim.meterOf(profileName);
        SessionSettings settings = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 100);
        assertThat(settings.security().suite()).isEqualTo(VendorProfile.load(profileName).securitySuite());
        assertRead(meter, settings);
    }

    @Test
    void dedicatedKeyCiphersTheSessionAfterTheAarq() throws Exception {
        MeterSpec meter = sim.meterOf("test-gmac-suite1");
        SessionSettings global = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 5_000);
        SecuritySettings s = global.security();
        byte[] dedicated = new java.security.SecureRandom().generateSeed(16);
        SessionSettings withDedicated = global.withSecurity(new SecuritySettings(s.suite(), s.policy(),
                s.clientSystemTitle(), s.blockCipherKey(), s.authenticationKey(), dedicated, s.invocationCounter(),
                null, null, null));
        assertRead(meter, withDedicated);

        // On the wire: after the AARQ, requests go out under the dedicated key (general-ded-ciphering, tag DC),
        // never under the global one (general-glo-ciphering DB, glo-get-request C8).
        DlmsSession session = sim.open(withDedicated.withSecurity(withDedicated.security().withInvocationCounter(9_000)));
        await(session.read(new gurux.dlms.objects.GXDLMSClock("0.0.1.0.0.255"), 2));
        List<String> requests = session.exchange().stream().filter(f -> f.startsWith("TX "))
                .map(f -> f.substring(3 + 16, 3 + 18)).toList(); // APDU tag after the 8-byte wrapper header
        await(session.release());
        assertThat(requests.get(requests.size() - 1)).isEqualTo("DC");
    }

    private static void assertRead(MeterSpec meter, SessionSettings settings) throws Exception {
        VendorProfile profile = VendorProfile.load(meter.profile());
        MeterReading reading = await(sim.reader().read(settings, List.of(profile.energyObis())));
        assertThat(reading.meterTime()).isEqualTo(NOW);
        assertThat(reading.registers().get(0).raw())
                .isEqualByComparingTo(new BigDecimal(MeterModel.energyRaw(meter, profile, NOW)));
    }
}
