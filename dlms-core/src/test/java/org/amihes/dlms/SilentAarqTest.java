package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.objects.GXDLMSData;
import io.vertx.core.datagram.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.SecuritySettings.SecurityPolicy;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.failure.Retry;
import org.amihes.dlms.transport.TransportKind;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 2: a meter that accepts the TCP connection and never answers the AARQ (as many do for an unknown
 * client address, logical device or wrong credentials) is NETWORK DLMS-105, not the plain DLMS-102: its message
 * names the accepted connection, the unanswered first APDU and the usual causes, and it is retried once at most,
 * not as a transient fault. Silence later in the session stays DLMS-102, and so does silence over UDP, where nothing
 * was accepted. The peers are a scripted loopback TCP peer with an empty script and a UDP socket that never answers.
 */
class SilentAarqTest extends ScriptedPeerTest {

    static final Duration SHORT = Duration.ofMillis(300);
    private static DlmsException openFails(SessionSettings settings) {
        return failure(DlmsSession.open(vertx, vertx.getOrCreateContext(), transports.forKind(settings.transport()),
                settings));
    }

    @Test
    void anAarqUnansweredOverAnAcceptedConnectionNamesTheLikelyCauses() throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, List.of()))) {
            SessionSettings settings = SessionSettings.publicClient("127.0.0.1", meter.port(), TransportKind.TCP_WRAPPER)
                    .withResponseTimeout(SHORT);

            DlmsException e = openFails(settings);

            assertThat(e.code()).isEqualTo(FailureCode.AARQ_UNANSWERED);
            assertThat(e.code().code()).isEqualTo("DLMS-105");
            assertThat(e.failureClass()).isEqualTo(FailureClass.NETWORK);
            assertThat(e.code().retry()).isEqualTo(Retry.ONCE);
            assertThat(e.getMessage()).startsWith("DLMS-105: AARQ unanswered (the meter accepted the TCP connection, "
                    + "then left the AARQ, the first APDU, unanswered for 300 ms.")
                    .contains("client address (16) or logical device (server address 1) the meter does not know",
                            "a meter busy with another association")
                    .doesNotContain("credentials"); // the public client has none to get wrong
            // the AARQ went out (wrapper from client 16 to logical device 1, then AARQ tag 60) and nothing came back
            assertThat(meter.received()).singleElement()
                    .satisfies(f -> assertThat(HexFormat.of().withUpperCase().formatHex(f)).startsWith("00010010000100")
                            .contains("60"));
            assertThat(e.exchange()).singleElement().asString().startsWith("TX 0001001000010");
        }
    }

    @Test
    void withCredentialsTheyAreAmongTheCauses() throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, List.of()))) {
            SessionSettings lls = new SessionSettings("127.0.0.1", meter.port(), TransportKind.TCP_WRAPPER, 32, 1,
                    AuthenticationLevel.LOW, "00000000", SHORT, SessionSettings.DEFAULT_MAX_PDU, null);
            assertThat(openFails(lls).detail()).contains("client address (32)", "wrong credentials (LLS password)");

            byte[] key = new byte[16];
            SessionSettings gmac = new SessionSettings("127.0.0.1", meter.port(), TransportKind.TCP_WRAPPER, 1, 1,
                    AuthenticationLevel.HIGH_GMAC, null, SHORT, SessionSettings.DEFAULT_MAX_PDU, new SecuritySettings(0,
                    SecurityPolicy.AUTHENTICATED_ENCRYPTED, "HES00001".getBytes(StandardCharsets.US_ASCII), key, key,
                    null, 1, null, null, null));
            DlmsException e = openFails(gmac);
            assertThat(e.code()).isEqualTo(FailureCode.AARQ_UNANSWERED);
            assertThat(e.detail()).contains("wrong credentials (keys, security suite or system title)");
        }
    }

    @Test
    void silenceAfterTheAssociationStaysATransientNetworkFailure() throws Exception {
        // Control: the AARE comes (spec-typed, see AareContextNameTest), the GET that follows goes unanswered.
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, List.of(
                new ScriptedMeter.Answer(AareContextNameTest.acceptedAare(AareContextNameTest.CONTEXT_LN)))))) {
            DlmsSession session = await(meter.openPublic(vertx, transports, SHORT));

            DlmsException e = failure(session.read(new GXDLMSData("0.0.96.1.0.255"), 2));

            assertThat(e.code()).isEqualTo(FailureCode.NO_ANSWER);
            assertThat(e.failureClass()).isEqualTo(FailureClass.NETWORK);
            assertThat(e.code().retry()).isEqualTo(Retry.TRANSIENT);
            assertThat(e.detail()).startsWith("request unanswered after 300 ms");
            await(session.close());
        }
    }

    @Test
    void overUdpNothingWasAcceptedSoSilenceStaysNetwork() throws Exception {
        DatagramSocket silent = await(vertx.createDatagramSocket().listen(0, "127.0.0.1"));
        try {
            SessionSettings settings = SessionSettings.publicClient("127.0.0.1", silent.localAddress().port(),
                    TransportKind.UDP_WRAPPER).withResponseTimeout(SHORT);

            DlmsException e = openFails(settings);

            assertThat(e.code()).isEqualTo(FailureCode.NO_ANSWER);
            assertThat(e.failureClass()).isEqualTo(FailureClass.NETWORK);
            assertThat(e.detail()).startsWith("AARQ datagram unanswered after 300 ms")
                    .contains("client address (16) or logical device (server address 1) the meter does not know");
        } finally {
            await(silent.close());
        }
    }
}
