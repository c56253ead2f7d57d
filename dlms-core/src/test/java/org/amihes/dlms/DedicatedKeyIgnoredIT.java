package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * interop-tests incompatibility 7: a meter accepts an AARQ proposing a dedicated key, then drops the link at the
 * first APDU ciphered with it. The simulator honours dedicated keys, so a scripted loopback peer plays the part:
 * it answers our AARQ with an AARE the simulator sent in a real session with the same settings (diagnostic as
 * jDLMS sends it), then closes on the next frame, our HLS pass 3. The control without a dedicated key shows the
 * classification is about the key.
 */
class DedicatedKeyIgnoredIT {

    static final byte[] DEDICATED_KEY = HexFormat.of().parseHex("00112233445566778899AABBCCDDEEFF");
    /** AARE result-source-diagnostic [3], acse-service-user [1]: authentication-required (14), null (0) */
    static final String AUTHENTICATION_REQUIRED = "A305A10302010E";
    static final String DIAGNOSTIC_NULL = "A305A103020100";

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(2, List.of("aurora-ax1", "test-gmac-suite1"), 31,
            "127.16.0.1").at(Instant.parse("2026-06-06T06:06:06Z"));
    private static long nextCounter = 1_000;

    /**
     * Pass 3 (reply_to_HLS_authentication) is an ACTION request. These meters negotiate general-protection, so it
     * goes as general-ded-ciphering (DC) under the dedicated key, general-glo-ciphering (DB) under the global key
     * only. (jDLMS negotiates no general-protection and gets ded-actionRequest, D3: see interop-tests.)
     */
    @ParameterizedTest(name = "{0}, dedicated key {1}: pass 3 as {2}")
    @CsvSource({"aurora-ax1, true, DC", "test-gmac-suite1, true, DC", "aurora-ax1, false, DB"})
    void closedRightAfterPassThree(String profile, boolean dedicated, String pass3Tag) throws Exception {
        MeterSpec meter = sim.meterOf(profile);
        SessionSettings settings = sim.managementSettings(meter, TransportKind.TCP_WRAPPER, counter());
        if (dedicated) {
            SecuritySettings s = settings.security();
            settings = settings.withSecurity(new SecuritySettings(s.suite(), s.policy(), s.clientSystemTitle(),
                    s.blockCipherKey(), s.authenticationKey(), DEDICATED_KEY, s.invocationCounter(), null, null, null));
        }
        // The AARE the meter really sends for these settings, with one change jDLMS makes too (interop-tests
        // incompatibility 4): result-source-diagnostic null instead of authentication-required. The field is in
        // clear, outside the ciphered InitiateResponse. Without "authentication required" Gurux counts the
        // association as established, so pass 3 is already the first APDU under the dedicated key.
        DlmsSession real = sim.open(settings);
        String simulated = real.exchange().get(1);
        await(real.release());
        assertThat(simulated).startsWith("RX ").containsOnlyOnce(AUTHENTICATION_REQUIRED);
        String aare = simulated.replace(AUTHENTICATION_REQUIRED, DIAGNOSTIC_NULL);

        try (ScriptedMeter peer = await(ScriptedMeter.start(sim.vertx(), List.of(
                new ScriptedMeter.Answer(HexFormat.of().parseHex(aare.substring(3))), new ScriptedMeter.Close())))) {
            SessionSettings toPeer = new SessionSettings("127.0.0.1", peer.port(), settings.transport(),
                    settings.clientAddress(), settings.logicalDevice(), settings.authentication(), settings.password(),
                    settings.responseTimeout(), settings.maxPduSize(),
                    settings.security().withInvocationCounter(counter()));
            DlmsException e = failure(DlmsSession.open(sim.vertx(), sim.vertx().getOrCreateContext(),
                    sim.transports().forKind(TransportKind.TCP_WRAPPER), toPeer));

            assertThat(e.exchange()).hasSize(3);
            assertThat(e.exchange().get(1)).isEqualTo(aare);
            String pass3 = e.exchange().get(2);
            assertThat(pass3).startsWith("TX ");
            assertThat(pass3.substring(3 + 16, 3 + 18)).isEqualTo(pass3Tag); // APDU tag after the wrapper header
            if (dedicated) {
                assertThat(e.code()).isEqualTo(FailureCode.CLOSED_AFTER_DEDICATED_KEY);
                assertThat(e.code().code()).isEqualTo("DLMS-406");
                assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
                assertThat(e.detail()).isEqualTo("the meter closed the link right after the first APDU ciphered with"
                        + " the dedicated key: it probably ignored the dedicated key proposed in the AARQ");
            } else {
                assertThat(e.code()).isEqualTo(FailureCode.CONNECTION_CLOSED);
                assertThat(e.failureClass()).isEqualTo(FailureClass.NETWORK);
            }
        }
    }

    /** Every association starts above the counter the meter last accepted. */
    private static long counter() {
        return nextCounter += 1_000;
    }
}
