package org.amihes.dlms;

import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.enums.Priority;
import gurux.dlms.enums.ServiceClass;
import gurux.dlms.objects.GXDLMSClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import org.amihes.dlms.SecuritySettings.SecurityPolicy;
import org.amihes.dlms.transport.TransportKind;
import org.junit.jupiter.api.Test;

/**
 * The AES-GCM example of the DLMS UA Green Book (security suite 0): a get-request for the clock's time attribute,
 * protected with EK = 000102..0F, AK = D0D1..DF, system title 4D4D4D0000BC614E and invocation counter 01234567.
 * Expected bytes are typed from the specification; the test proves our {@link SecuritySettings} reach Gurux's
 * ciphering as the standard expects.
 */
class GreenBookVectorsTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    static final byte[] EK = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    static final byte[] AK = HEX.parseHex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF");
    static final byte[] SYSTEM_TITLE = HEX.parseHex("4D4D4D0000BC614E");
    static final long IC = 0x01234567L;

    /** Green Book: plaintext C0 01 00 00 08 00 00 01 00 00 FF 02 00 (get-request-normal, clock, attribute 2). */
    @Test
    void authenticatedAndEncryptedGetRequest() throws Exception {
        assertThat(apdu(SecurityPolicy.AUTHENTICATED_ENCRYPTED))
                .isEqualTo("C81E30" + "01234567" + "411312FF935A47566827C467BC" + "7D825C3BE4A77C3FCC056B6B");
    }

    @Test
    void authenticatedOnlyGetRequest() throws Exception {
        assertThat(apdu(SecurityPolicy.AUTHENTICATED))
                .isEqualTo("C81E10" + "01234567" + "C0010000080000010000FF0200" + "06725D910F9221D263877516");
    }

    private static String apdu(SecurityPolicy policy) throws Exception {
        SecuritySettings security = new SecuritySettings(0, policy, SYSTEM_TITLE, EK, AK, null, IC, null, null, null);
        SessionSettings settings = new SessionSettings("127.0.0.1", 4059, TransportKind.TCP_WRAPPER, 1, 1,
                AuthenticationLevel.NONE, null, Duration.ofSeconds(1), 1024, security);
        DlmsClient client = new DlmsClient(settings);
        // The example's invoke-id-and-priority byte is 00: normal priority, unconfirmed, invoke id 0.
        client.setPriority(Priority.NORMAL);
        client.setServiceClass(ServiceClass.UN_CONFIRMED);
        client.setInvokeId(0);
        byte[] frame = client.read(new GXDLMSClock("0.0.1.0.0.255"), 2)[0];
        return HEX.formatHex(Arrays.copyOfRange(frame, 8, frame.length)); // strip the 8-byte wrapper header
    }
}
