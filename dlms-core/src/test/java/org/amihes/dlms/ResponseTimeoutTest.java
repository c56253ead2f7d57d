package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.objects.GXDLMSData;
import java.time.Duration;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;
import org.junit.jupiter.api.Test;

/**
 * The response timeout counts from each request's own send, also now that one timer serves all the requests of a
 * session: a request sent late in the first request's timeout still gets its whole timeout, and a session whose
 * requests are all answered in time never fails on a deadline of an earlier request.
 */
class ResponseTimeoutTest extends ScriptedPeerTest {

    static final Duration TIMEOUT = Duration.ofMillis(600);

    @Test
    void aLaterRequestGetsItsWholeTimeoutFromItsOwnSend() throws Exception {
        // the AARE comes at once; the GET sent 400 ms later is never answered
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, List.of(
                new ScriptedMeter.Answer(AareContextNameTest.acceptedAare(AareContextNameTest.CONTEXT_LN)))))) {
            DlmsSession session = await(meter.openPublic(vertx, transports, TIMEOUT));
            Thread.sleep(400);

            long sent = System.nanoTime();
            DlmsException e = failure(session.read(new GXDLMSData("0.0.96.1.0.255"), 2));
            long waitedMs = (System.nanoTime() - sent) / 1_000_000;

            assertThat(e.code()).isEqualTo(FailureCode.NO_ANSWER);
            assertThat(e.detail()).startsWith("request unanswered after 600 ms");
            // not at the AARQ's deadline (200 ms after the GET), but the GET's own 600 ms
            assertThat(waitedMs).as("ms from the GET's send to its failure").isGreaterThanOrEqualTo(TIMEOUT.toMillis());
            await(session.close());
        }
    }

    @Test
    void requestsAnsweredInTimeOutliveTheFirstRequestsDeadline() throws Exception {
        // AARE, then two GETs each answered (with an error, which is an answer), spread over twice the timeout
        byte[] answer = AareContextNameTest.acceptedAare(AareContextNameTest.CONTEXT_LN);
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, List.of(new ScriptedMeter.Answer(answer),
                new ScriptedMeter.Answer(getError()), new ScriptedMeter.Answer(getError()))))) {
            DlmsSession session = await(meter.openPublic(vertx, transports, TIMEOUT));
            for (int i = 0; i < 2; i++) {
                Thread.sleep(TIMEOUT.toMillis() * 2 / 3);
                DlmsException e = failure(session.read(new GXDLMSData("0.0.96.1.0.255"), 2));
                assertThat(e.code()).as("GET %d answered (an error answer), not timed out", i)
                        .isNotEqualTo(FailureCode.NO_ANSWER);
            }
            await(session.close());
        }
    }

    /** A GET-Response (wrapper 1 -> 16) with data-access-result object-undefined (4). */
    static byte[] getError() {
        byte[] apdu = {(byte) 0xC4, 0x01, (byte) 0xC1, 0x01, 0x04};
        byte[] frame = new byte[8 + apdu.length];
        frame[1] = 0x01;
        frame[3] = 0x01;
        frame[5] = 0x10;
        frame[7] = (byte) apdu.length;
        System.arraycopy(apdu, 0, frame, 8, apdu.length);
        return frame;
    }
}
