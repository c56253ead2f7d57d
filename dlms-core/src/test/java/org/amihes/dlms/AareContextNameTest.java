package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.junit.jupiter.api.Test;

/**
 * interop-tests incompatibility 1: a meter answers our plain AARQ with an AARE that says accepted but names the
 * ciphered context. The AARE here is typed from the spec (IEC 62056-5-3 ACSE, Green Book) and played back by a
 * scripted loopback peer, so it reaches the session through its real receive path.
 */
class AareContextNameTest extends ScriptedPeerTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** application-context-name [1]: LN referencing, no ciphering (…08 01 01) and with ciphering (…08 01 03) */
    static final String CONTEXT_LN = "A109060760857405080101";
    static final String CONTEXT_LN_CIPHERED = "A109060760857405080103";

    /**
     * Wrapper (version 1, source wPort 1 = logical device 1, destination wPort 16 = public client, length 0x2B)
     * around an AARE (61, 0x29 bytes): the given context name; result [2] accepted (A2 03 02 01 00); diagnostic [3]
     * acse-service-user null (A3 05 A1 03 02 01 00); user-information [30] holding an InitiateResponse (08, no
     * QoS, DLMS version 6, conformance 5F 1F 04 00 00 10 1D, max PDU 0x0400, VAA name 0x0007).
     */
    static byte[] acceptedAare(String contextName) {
        return HEX.parseHex("0001" + "0001" + "0010" + "002B"
                + "6129" + contextName + "A203020100" + "A305A103020100"
                + "BE10040E0800065F1F040000101D04000007");
    }

    @Test
    void acceptedAareWithTheProposedContextAssociates() throws Exception {
        // Control: the same hand-built AARE with the context we proposed is a valid association.
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx,
                List.of(new ScriptedMeter.Answer(acceptedAare(CONTEXT_LN)))))) {
            DlmsSession session = await(meter.openPublic(vertx, transports));
            assertThat(session.state()).isEqualTo(DlmsSession.State.ASSOCIATED);
            assertThat(session.negotiatedMaxPduSize()).isEqualTo(0x0400);
            await(session.close());
        }
    }

    @Test
    void acceptedAareNamingTheCipheredContextIsAContextNameMismatch() throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx,
                List.of(new ScriptedMeter.Answer(acceptedAare(CONTEXT_LN_CIPHERED)))))) {
            DlmsException e = failure(meter.openPublic(vertx, transports));

            assertThat(e.code()).isEqualTo(FailureCode.CONTEXT_NAME_MISMATCH);
            assertThat(e.code().code()).isEqualTo("DLMS-007");
            assertThat(e.failureClass()).isEqualTo(FailureClass.PROTOCOL);
            assertThat(e.detail()).isEqualTo("AARE accepted with application context 2.16.756.5.8.1.3 (LN referencing"
                    + " with ciphering) but 2.16.756.5.8.1.1 (LN referencing, no ciphering) was proposed");
            // the exchange is kept: our AARQ proposing the plain context, the meter's AARE as it came
            assertThat(e.exchange()).hasSize(2);
            assertThat(e.exchange().get(0)).startsWith("TX ");
            assertThat(e.exchange().get(0).substring(3 + 16)).startsWith("60").contains(CONTEXT_LN); // after the wrapper
            assertThat(e.exchange().get(1)).isEqualTo("RX " + HEX.formatHex(acceptedAare(CONTEXT_LN_CIPHERED)));
            assertThat(meter.received()).as("nothing is sent after the AARE").hasSize(1);
        }
    }
}
