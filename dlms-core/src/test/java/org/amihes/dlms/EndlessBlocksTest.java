package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A meter that answers a GET with datablocks that never end (jDLMS does, at small PDUs: interop incompatibility
 * 10) must not hold a session for ever: after {@link DlmsSession#MAX_ROUNDS_PER_ANSWER} the read fails as
 * PROTOCOL DLMS-008. The blocks are typed from the spec and played by a scripted loopback peer.
 */
@Timeout(60)
class EndlessBlocksTest extends ScriptedPeerTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();

    /**
     * Wrapper (wPort 1 to the public client 16) around get-response-with-datablock (C4 02), invoke-id C1, DataBlock-G:
     * last-block FALSE, block-number, raw-data [0] of length 0.
     */
    static byte[] emptyBlock(long number) {
        return HEX.parseHex("0001" + "0001" + "0010" + "0009" + "C402C1" + "00" + String.format("%08X", number) + "0000");
    }

    @Test
    void datablocksWithoutALastOneEndTheReadAsProtocolFailure() throws Exception {
        List<ScriptedMeter.Step> script = new ArrayList<>();
        script.add(new ScriptedMeter.Answer(AareContextNameTest.acceptedAare(AareContextNameTest.CONTEXT_LN)));
        for (long block = 1; block <= DlmsSession.MAX_ROUNDS_PER_ANSWER + 10; block++) {
            script.add(new ScriptedMeter.Answer(emptyBlock(block)));
        }
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, script))) {
            DlmsSession session = await(meter.openPublic(vertx, transports));

            DlmsException e = failure(session.read(new GXDLMSProfileGeneric("1.0.99.1.0.255"), 2));

            assertThat(e.code()).isEqualTo(FailureCode.ANSWER_TOO_LONG);
            assertThat(e.code().code()).isEqualTo("DLMS-008");
            assertThat(e.failureClass()).isEqualTo(FailureClass.PROTOCOL);
            assertThat(e.detail()).startsWith("no last block after " + DlmsSession.MAX_ROUNDS_PER_ANSWER + " frames");
            // the AARQ, the GET and one GET-next per block but the last one received
            assertThat(meter.received()).hasSize(2 + DlmsSession.MAX_ROUNDS_PER_ANSWER - 1);
            assertThat(HEX.formatHex(meter.received().get(2))).as("a get-request-next for block 1")
                    .startsWith("000100100001").contains("C002C100000001");

            // the session is given up, and whatever is asked of it later fails with the same class and code
            assertThat(session.state()).isEqualTo(DlmsSession.State.CLOSED);
            DlmsException later = failure(session.read(new GXDLMSProfileGeneric("1.0.99.1.0.255"), 3));
            assertThat(later.code()).isEqualTo(FailureCode.ANSWER_TOO_LONG);
            assertThat(later.detail()).contains("closed after DLMS-008");
            await(session.release()); // a release never fails: there is nothing left to release
            assertThat(meter.received()).as("nothing more was sent").hasSize(2 + DlmsSession.MAX_ROUNDS_PER_ANSWER - 1);
            await(session.close());
        }
    }
}
