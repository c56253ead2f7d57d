package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.math.BigDecimal;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.SimulatorOptions;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vendor profile's management association, over every transport it offers, against the simulator:
 * HLS-GMAC suite 0 (aurora), HLS-ECDSA suite 2 (borealis), LLS over HDLC (corvus), HLS-SHA256 (delta). Keys
 * come from the fleet seed ({@link Fleet#keys}), expected values from {@link MeterModel}. Then the failures a
 * field engineer meets, each diagnosed precisely.
 */
class SecureAssociationIT {

    static final Instant NOW = Instant.parse("2026-04-04T04:04:04Z");

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(12, VendorProfile.BUILT_IN, 4242, "127.10.0.1").at(NOW)
            .options(SimulatorOptions.DEFAULTS.withUdp(true));

    static Stream<Arguments> profilesAndTransports() {
        List<Arguments> cases = new ArrayList<>();
        for (String profile : VendorProfile.BUILT_IN) {
            VendorProfile p = VendorProfile.load(profile);
            if (p.framing() == VendorProfile.Framing.HDLC) {
                cases.add(Arguments.of(profile, TransportKind.TCP_HDLC));
            } else {
                cases.add(Arguments.of(profile, TransportKind.TCP_WRAPPER));
                cases.add(Arguments.of(profile, TransportKind.UDP_WRAPPER));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("profilesAndTransports")
    void managementAssociationReadsWhatTheMeterHolds(String profileName, TransportKind transport) throws Exception {
        MeterSpec meter = sim.meterOf(profileName);
        VendorProfile profile = VendorProfile.load(profileName);
        SessionSettings settings = sim.managementSettings(meter, transport, 100);
        Future<MeterReading> read = sim.reader().read(settings, List.of(profile.energyObis()));
        if (profile.energyRegisterNull()) {
            // The association succeeded; the vendor's register mapping is what fails.
            assertThat(failure(read).code()).isEqualTo(FailureCode.NULL_VALUE);
            return;
        }
        MeterReading reading = await(read);
        assertThat(reading.meterTime()).isEqualTo(NOW);
        assertThat(reading.registers().get(0).raw())
                .isEqualByComparingTo(new BigDecimal(MeterModel.energyRaw(meter, profile, NOW)));
        if (settings.security() != null) {
            assertThat(reading.nextInvocationCounter()).isGreaterThan(100L);
        }
    }

    @Test
    void wrongKeyIsToldApartFromSuiteAndCounterProblems() {
        MeterSpec meter = sim.meterOf("aurora-ax1");
        SessionSettings good = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 1_000_000);
        byte[] wrongKey = good.security().blockCipherKey().clone();
        wrongKey[0] ^= 1;
        SecuritySettings s = good.security();
        SessionSettings wrong = good.withSecurity(new SecuritySettings(s.suite(), s.policy(), s.clientSystemTitle(),
                wrongKey, s.authenticationKey(), null, s.invocationCounter(), null, null, null));
        var e = failure(sim.reader().read(wrong, List.of("1.0.1.8.0.255")));
        assertThat(e.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
        assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        assertThat(e.getMessage()).contains("wrong key likely");
    }

    @Test
    void suiteMismatchIsDlms004() {
        MeterSpec meter = sim.meterOf("aurora-ax1"); // suite 0 meter, head-end configured for suite 2
        SessionSettings suite0 = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 2_000_000);
        SecuritySettings s = suite0.security();
        byte[] key32 = new byte[32];
        SessionSettings suite2 = suite0.withSecurity(new SecuritySettings(2, s.policy(), s.clientSystemTitle(), key32,
                key32, null, s.invocationCounter(), null, null, null));
        var e = failure(sim.reader().read(suite2, List.of("1.0.1.8.0.255")));
        assertThat(e.code()).isEqualTo(FailureCode.SECURITY_SUITE_MISMATCH);
        assertThat(e.getMessage()).startsWith("DLMS-004: Security Suite Mismatch").contains("suite 0").contains("suite 2");
    }

    @Test
    void staleInvocationCounterIsResynchronisedFromTheMeter() throws Exception {
        MeterSpec meter = sim.meterOf("delta-q9"); // its own meter: counters here do not disturb the other tests
        MeterReading first = readClock(sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 5_000));
        assertThat(first.meterTime()).isEqualTo(NOW);
        // A head-end that lost its counter starts from 10: the meter refuses, the client resynchronises.
        MeterReading second = readClock(sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 10));
        assertThat(second.meterTime()).isEqualTo(NOW);
        assertThat(first.warnings()).isEmpty();
        assertThat(second.warnings()).singleElement().asString()
                .startsWith("DLMS-404: the meter refused invocation counter 10 ");
    }

    @Test
    void countersFromTheStoreOnlyGoUpAndSurviveAResync() throws Exception {
        MeterSpec meter = sim.fleet().meters().stream().filter(m -> m.profile().equals("aurora-ax1"))
                .skip(1).findFirst().orElseThrow(); // a meter no other test touches
        InvocationCounterStore store = new InMemoryInvocationCounterStore();
        SessionSettings settings = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 1);
        String keyId = MeterReader.counterKeyId(settings.security());
        long before = store.next(meter.meterId(), keyId).result();
        await(sim.reader().read(meter.meterId(), settings, List.of("1.0.1.8.0.255"), store));
        long afterFirst = store.next(meter.meterId(), keyId).result();
        await(sim.reader().read(meter.meterId(), settings, List.of("1.0.1.8.0.255"), store));
        long afterSecond = store.next(meter.meterId(), keyId).result();
        assertThat(afterFirst).isGreaterThan(before);
        assertThat(afterSecond).isGreaterThan(afterFirst);
        // Another head-end instance without the store's history starts at 1: the meter refuses, the client
        // resynchronises, and the store learns the higher counter.
        InvocationCounterStore forgetful = new InMemoryInvocationCounterStore();
        MeterReading resynced = await(sim.reader().read(meter.meterId(), settings, List.of("1.0.1.8.0.255"),
                forgetful));
        assertThat(resynced.warnings()).singleElement().asString().startsWith("DLMS-404: the meter refused");
        assertThat(forgetful.next(meter.meterId(), keyId).result()).isGreaterThan(afterSecond);
    }

    @Test
    void keyTransferInstallsNewKeysAndRetiresTheOldOnes() throws Exception {
        MeterSpec meter = sim.fleet().meters().stream().filter(m -> m.profile().equals("aurora-ax1"))
                .skip(2).findFirst().orElseThrow(); // a meter no other test touches
        MeterKeys original = sim.fleet().keys(meter.meterId());
        SessionSettings old = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 10);
        byte[] newEk = new java.security.SecureRandom().generateSeed(16);
        byte[] newAk = new java.security.SecureRandom().generateSeed(16);

        DlmsSession session = sim.open(old);
        await(session.transferKeys(SimulatorFixture.SECURITY_SETUP, original.masterKey(), newEk, newAk));
        long next = session.invocationCounter();
        await(session.release());

        assertThat(sim.simulator().currentKeys(meter.meterId()).blockCipherKey()).isEqualTo(newEk);
        assertThat(sim.simulator().currentKeys(meter.meterId()).authenticationKey()).isEqualTo(newAk);
        var refused = failure(sim.reader().read(old.withSecurity(old.security().withInvocationCounter(next)),
                List.of("1.0.1.8.0.255")));
        assertThat(refused.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
        SecuritySettings s = old.security();
        SessionSettings rotated = old.withSecurity(new SecuritySettings(s.suite(), s.policy(), s.clientSystemTitle(),
                newEk, newAk, null, next + 10, null, null, null));
        assertThat(await(sim.reader().read(rotated, List.of("1.0.1.8.0.255"))).meterTime()).isEqualTo(NOW);
    }

    @Test
    void keysWrappedElsewhereAreTransferredAsTheyCame() throws Exception {
        MeterSpec meter = sim.fleet().meters().stream().filter(m -> m.profile().equals("delta-q9"))
                .skip(2).findFirst().orElseThrow(); // HLS-SHA256, suite 0: a meter no other test touches
        MeterKeys original = sim.fleet().keys(meter.meterId());
        SessionSettings old = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 10);
        byte[] newEk = new java.security.SecureRandom().generateSeed(16);
        byte[] newAk = new java.security.SecureRandom().generateSeed(16);
        // as the key store does it: RFC 3394 under the meter's master key, the session sees only the wrapped bytes
        javax.crypto.Cipher kw = javax.crypto.Cipher.getInstance("AESWrap");
        kw.init(javax.crypto.Cipher.WRAP_MODE, new javax.crypto.spec.SecretKeySpec(original.masterKey(), "AES"));
        byte[] wrappedEk = kw.wrap(new javax.crypto.spec.SecretKeySpec(newEk, "AES"));
        kw.init(javax.crypto.Cipher.WRAP_MODE, new javax.crypto.spec.SecretKeySpec(original.masterKey(), "AES"));
        byte[] wrappedAk = kw.wrap(new javax.crypto.spec.SecretKeySpec(newAk, "AES"));

        DlmsSession session = sim.open(old);
        await(session.transferWrappedKeys(SimulatorFixture.SECURITY_SETUP,
                List.of(java.util.Map.entry(0, wrappedEk), java.util.Map.entry(2, wrappedAk))));
        await(session.release());

        assertThat(sim.simulator().currentKeys(meter.meterId()).blockCipherKey()).isEqualTo(newEk);
        assertThat(sim.simulator().currentKeys(meter.meterId()).authenticationKey()).isEqualTo(newAk);
    }

    @Test
    void wrongLlsPasswordIsAnAuthenticationFailure() {
        MeterSpec meter = sim.meterOf("corvus-c3");
        SessionSettings wrong = new SessionSettings(meter.host(), meter.port(), TransportKind.TCP_HDLC, 32, 1,
                AuthenticationLevel.LOW, "not-the-password", Duration.ofSeconds(2), 256, null);
        var e = failure(sim.reader().read(wrong, List.of("1.0.1.8.0.255")));
        assertThat(e.code()).isEqualTo(FailureCode.AUTHENTICATION_FAILED);
    }

    @Test
    void untrustedEcdsaKeyIsRefusedInPassThree() throws Exception {
        MeterSpec meter = sim.meterOf("borealis-b7");
        SessionSettings good = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, 3_000_000);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        SecuritySettings s = good.security();
        SessionSettings stranger = good.withSecurity(new SecuritySettings(s.suite(), s.policy(), s.clientSystemTitle(),
                s.blockCipherKey(), s.authenticationKey(), null, s.invocationCounter(), g.generateKeyPair(),
                s.serverSigningKey(), null));
        var e = failure(sim.reader().read(stranger, List.of("1.0.1.8.0.255")));
        assertThat(e.code()).isEqualTo(FailureCode.AUTHENTICATION_FAILED);
        assertThat(e.getMessage()).contains("pass 3");
    }

    private static MeterReading readClock(SessionSettings settings) throws Exception {
        return await(sim.reader().read(settings, List.of()));
    }
}
