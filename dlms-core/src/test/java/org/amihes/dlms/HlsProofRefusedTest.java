package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.enums.DataType;
import gurux.dlms.objects.GXDLMSData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.SecuritySettings.SecurityPolicy;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 8, item 1: during association, any answer to HLS pass 3 (the reply_to_HLS_authentication ACTION) other than
 * success is an authentication failure, SECURITY DLMS-401 naming the action-result the meter gave; the same result
 * to any other ACTION keeps its usual class. A scripted loopback peer answers an HLS-SHA256 AARQ (plain, no
 * ciphering) with a spec-typed AARE asking for authentication, then the ACTION with a spec-typed action-response.
 */
class HlsProofRefusedTest extends ScriptedPeerTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();

    /**
     * Wrapper (version 1, source wPort 1 = logical device 1, destination wPort 1 = management client, length 0x58)
     * around an AARE (61, 0x56 bytes), Green Book ACSE encoding:
     * <ul>
     *   <li>application-context-name [1]: LN referencing, no ciphering (2.16.756.5.8.1.1)</li>
     *   <li>result [2]: accepted (0)</li>
     *   <li>result-source-diagnostic [3]: acse-service-user [1] authentication-required (14)</li>
     *   <li>responding-AP-title [4]: octet-string, the server system title "MMM" + 00 00 00 00 01</li>
     *   <li>responder-acse-requirements [8]: bit string, authentication functional unit (07 80)</li>
     *   <li>mechanism-name [9]: 2.16.756.5.8.2.6, high-level security with SHA-256</li>
     *   <li>responding-authentication-value [10]: charstring [0], the 16-byte challenge StoC</li>
     *   <li>user-information [30]: InitiateResponse (08, no QoS, DLMS version 6, conformance 00 10 1D with action,
     *       max PDU 0x0400, VAA name 0x0007)</li>
     * </ul>
     */
    static final byte[] AARE_HLS_SHA256 = HEX.parseHex("0001" + "0001" + "0001" + "0058"
            + "6156"
            + "A109060760857405080101"
            + "A203020100"
            + "A305A10302010E"
            + "A40A04084D4D4D0000000001"
            + "88020780"
            + "890760857405080206"
            + "AA1280100102030405060708090A0B0C0D0E0F10"
            + "BE10040E0800065F1F040000101D04000007");

    /**
     * Wrapper (logical device 1 to client {@code client}) around action-response-normal (C7 01), invoke-id-and-
     * priority C1, Action-Response-With-Optional-Data: result (Action-Result enum, one byte), no return parameters
     * (optional flag 00).
     */
    static byte[] actionResponse(int client, int result) {
        return HEX.parseHex("0001" + "0001" + String.format("%04X", client) + "0005" + "C701C1"
                + String.format("%02X", result) + "00");
    }

    private static SessionSettings hlsSha256(int port) {
        byte[] key = new byte[16];
        SecuritySettings security = new SecuritySettings(0, SecurityPolicy.NONE,
                "HES00001".getBytes(StandardCharsets.US_ASCII), key, key, null, 1, null, null,
                "sha256-secret".getBytes(StandardCharsets.US_ASCII));
        return new SessionSettings("127.0.0.1", port, TransportKind.TCP_WRAPPER, 1, 1, AuthenticationLevel.HIGH_SHA256,
                null, Duration.ofSeconds(2), SessionSettings.DEFAULT_MAX_PDU, security);
    }

    @ParameterizedTest(name = "pass 3 answered with {0} ({1})")
    @CsvSource({"other-reason, 250", "read-write-denied, 3", "temporary-failure, 2", "hardware-fault, 1",
        "object-undefined, 4"})
    void aRefusedProofIsAnAuthenticationFailureNamingTheResult(String name, int result) throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, List.of(
                new ScriptedMeter.Answer(AARE_HLS_SHA256), new ScriptedMeter.Answer(actionResponse(1, result)))))) {
            SessionSettings settings = hlsSha256(meter.port());
            DlmsException e = failure(DlmsSession.open(vertx, vertx.getOrCreateContext(),
                    transports.forKind(settings.transport()), settings));

            assertThat(e.code()).isEqualTo(FailureCode.AUTHENTICATION_FAILED);
            assertThat(e.code().code()).isEqualTo("DLMS-401");
            assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
            assertThat(e.detail()).contains("pass 3", "action-result " + name + " (" + result + ")");
            // our pass 3 went out: an action-request-normal (C3 01) to class 15 (00 0F), 0.0.40.0.0.255, method 1
            assertThat(meter.received()).hasSize(2);
            assertThat(HEX.formatHex(meter.received().get(1))).startsWith("000100010001").contains("C301")
                    .contains("000F0000280000FF01");
            assertThat(e.exchange()).hasSize(4);
        }
    }

    @Test
    void theSameResultToAnotherActionKeepsItsVendorClass() throws Exception {
        // Control: after a plain public association, an ACTION refused with other-reason is the meter's own refusal.
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, List.of(
                new ScriptedMeter.Answer(AareContextNameTest.acceptedAare(AareContextNameTest.CONTEXT_LN)),
                new ScriptedMeter.Answer(actionResponse(16, 250)))))) {
            DlmsSession session = await(meter.openPublic(vertx, transports));

            DlmsException e = failure(session.invoke(new GXDLMSData("0.0.10.0.100.255"), 1, 1, DataType.UINT16));

            assertThat(e.code()).isEqualTo(FailureCode.REFUSED_BY_METER);
            assertThat(e.failureClass()).isEqualTo(FailureClass.VENDOR);
            await(session.close());
        }
    }
}
