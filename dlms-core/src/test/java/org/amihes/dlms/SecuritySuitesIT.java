package org.amihes.dlms;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
    static Vertx vertx;
    static FleetSimulator simulator;
    static MeterReader reader;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Fleet fleet = Fleet.generate(6, VARIANTS, 77, "127.12.0.1", MeterReaderIT.freePort());
        simulator = MeterReaderIT.await(FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0"));
        reader = new MeterReader(vertx, MeterReaderIT.await(EventLoops.deploy(vertx, 2)),
                new Transports(vertx, Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() {
        simulator.close();
        vertx.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-ecdsa-suite1", "test-gmac-encrypted", "test-gmac-suite1"})
    void variantReadsWhatTheMeterHolds(String profileName) throws Exception {
        MeterSpec meter = SecureAssociationIT.meterOf(simulator.fleet(), profileName);
        SessionSettings settings = SecureAssociationIT.managementSettings(simulator.fleet(), meter, TransportKind.TCP_WRAPPER, 100);
        assertThat(settings.security().suite()).isEqualTo(VendorProfile.load(profileName).securitySuite());
        assertRead(meter, settings);
    }

    @Test
    void dedicatedKeyCiphersTheSessionAfterTheAarq() throws Exception {
        MeterSpec meter = SecureAssociationIT.meterOf(simulator.fleet(), "test-gmac-suite1");
        SessionSettings global = SecureAssociationIT.managementSettings(simulator.fleet(), meter, TransportKind.TCP_WRAPPER, 5_000);
        SecuritySettings s = global.security();
        byte[] dedicated = new java.security.SecureRandom().generateSeed(16);
        SessionSettings withDedicated = global.withSecurity(new SecuritySettings(s.suite(), s.policy(),
                s.clientSystemTitle(), s.blockCipherKey(), s.authenticationKey(), dedicated, s.invocationCounter(),
                null, null, null));
        assertRead(meter, withDedicated);

        // On the wire: after the AARQ, requests go out under the dedicated key (general-ded-ciphering, tag DC),
        // never under the global one (general-glo-ciphering DB, glo-get-request C8).
        DlmsSession session = MeterReaderIT.await(DlmsSession.open(vertx, vertx.getOrCreateContext(),
                new Transports(vertx, Duration.ofSeconds(2)).forKind(TransportKind.TCP_WRAPPER),
                withDedicated.withSecurity(withDedicated.security().withInvocationCounter(9_000))));
        MeterReaderIT.await(session.read(new gurux.dlms.objects.GXDLMSClock("0.0.1.0.0.255"), 2));
        List<String> requests = session.exchange().stream().filter(f -> f.startsWith("TX "))
                .map(f -> f.substring(3 + 16, 3 + 18)).toList(); // APDU tag after the 8-byte wrapper header
        MeterReaderIT.await(session.release());
        assertThat(requests.get(requests.size() - 1)).isEqualTo("DC");
    }

    private static void assertRead(MeterSpec meter, SessionSettings settings) throws Exception {
        VendorProfile profile = VendorProfile.load(meter.profile());
        MeterReading reading = MeterReaderIT.await(reader.read(settings, List.of(profile.energyObis())));
        assertThat(reading.meterTime()).isEqualTo(NOW);
        assertThat(reading.registers().get(0).raw())
                .isEqualByComparingTo(new BigDecimal(MeterModel.energyRaw(meter, profile, NOW)));
    }
}
