package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 4: a release response (RLRE) whose BER lengths are too short, as a known Gurux server defect writes
 * it, is accepted (the reads are done) but recorded as a VENDOR warning naming the deviation; a well-formed one
 * records nothing. The RLREs are typed from the spec (Green Book, RLRE-apdu [APPLICATION 3], reason [0] normal)
 * and played by a scripted loopback peer.
 */
class MalformedReleaseTest extends ScriptedPeerTest {

    static final HexFormat HEX = HexFormat.of();
    /** Wrapper (wPort 1 to the public client 16) around an RLRE: 63, its length byte, then reason [80] 01 00. */
    static byte[] rlre(int declaredLength) {
        return HEX.parseHex("0001" + "0001" + "0010" + "0005" + "63" + String.format("%02x", declaredLength) + "800100");
    }

    private static List<String> releaseWith(byte[] rlre) throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, List.of(
                new ScriptedMeter.Answer(AareContextNameTest.acceptedAare(AareContextNameTest.CONTEXT_LN)),
                new ScriptedMeter.Answer(rlre))))) {
            DlmsSession session = await(meter.openPublic(vertx, transports));
            await(session.release());
            assertThat(session.state()).isEqualTo(DlmsSession.State.CLOSED);
            return session.warnings();
        }
    }

    @Test
    void aTooShortReleaseResponseIsAWarningNamingTheDeviation() throws Exception {
        List<String> warnings = releaseWith(rlre(2));
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("DLMS-205: the meter's release response (RLRE) is malformed")
                .contains("its length says 2 bytes, 3 follow");
    }

    @Test
    void aWellFormedReleaseResponseRecordsNothing() throws Exception {
        assertThat(releaseWith(rlre(3))).isEmpty();
    }
}
