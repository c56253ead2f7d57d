package org.amihes.interop;

import static org.amihes.interop.Acse.HEX;
import static org.amihes.interop.Loopback.HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.amihes.interop.DlmsCoreReadsJdlmsHlsGmacServerTest.Hls;
import org.amihes.interop.GreenBookGcm.Ciphered;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openmuc.jdlms.AttributeAddress;
import org.openmuc.jdlms.AuthenticationMechanism;
import org.openmuc.jdlms.DlmsConnection;
import org.openmuc.jdlms.RawMessageData;
import org.openmuc.jdlms.RawMessageData.MessageSource;
import org.openmuc.jdlms.SecuritySuite.EncryptionMechanism;
import org.openmuc.jdlms.TcpConnectionBuilder;

/**
 * Controls for the HLS-GMAC incompatibilities: jDLMS's client against jDLMS's server (the same server and
 * configurations as {@link DlmsCoreReadsJdlmsHlsGmacServerTest}), and what its API offers. When jDLMS agrees with
 * itself but not with the Green Book (checked with the JDK's AES-GCM, {@link GreenBookGcm}), the deviation is
 * jDLMS's, not ours.
 */
@Timeout(30)
class JdlmsAgainstItselfTest {

    /** jDLMS's client system title here: "HES" and the 5 bytes "00001", i.e. "HES00001" like ours */
    static final long CLIENT_DEVICE_ID = 0x3030303031L;
    static final long FRAME_COUNTER = 7;

    static JdlmsServerPeer server;

    @BeforeAll
    static void start() throws Exception {
        server = DlmsCoreReadsJdlmsHlsGmacServerTest.startServer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static TcpConnectionBuilder builder(Hls h, List<RawMessageData> raw) throws IOException {
        return new TcpConnectionBuilder(InetAddress.getByName(HOST))
                .setPort(server.port())
                .useWrapper()
                .setLogicalDeviceId(JdlmsServerPeer.LOGICAL_DEVICE)
                .setClientId(h.client)
                .setSystemTitle("HES", CLIENT_DEVICE_ID)
                .setFrameCounter(FRAME_COUNTER)
                .setResponseTimeout(3000)
                .setSecuritySuite(h.jdlms())
                .setRawMessageListener(raw::add);
    }

    static RawMessageData firstFrom(List<RawMessageData> raw, MessageSource source) {
        return raw.stream().filter(m -> m.getMessageSource() == source).findFirst().orElseThrow();
    }

    static long readEnergy(DlmsConnection connection) throws IOException {
        return ((Number) connection.get(new AttributeAddress(3, DlmsCoreReadsJdlmsServerTest.ENERGY, 2))
                .getResultData().getValue()).longValue();
    }

    /**
     * jDLMS "authenticated only" works against jDLMS, but it is encryption with security control 0x10: the body of
     * its AARQ is AES-GCM ciphertext | tag under AAD SC | AK, not the InitiateRequest in clear with a GMAC tag over
     * SC | AK | APDU as the Green Book has it. Same key, IV and plaintext give the very bytes of its
     * encrypted-only AARQ below.
     */
    @Test
    void authenticatedOnlyWorksBetweenJdlmsPeersBecauseBothSidesEncrypt() throws Exception {
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();
        try (DlmsConnection connection = builder(Hls.GMAC_AUTHENTICATED_ONLY, raw).build()) {
            assertThat(readEnergy(connection)).isEqualTo(DlmsCoreReadsJdlmsServerTest.RAW);
        }
        RawMessageData aarq = firstFrom(raw, MessageSource.CLIENT);
        Ciphered request = Ciphered.parse(Acse.userInformation(Acse.apduOfJdlmsMessage(aarq.getMessage())));
        byte[] plain = aarq.getApdu().getCosemPdu().getPlainCosemPdu();
        byte[] iv = GreenBookGcm.iv(DlmsCoreReadsJdlmsHlsGmacServerTest.CLIENT_TITLE, FRAME_COUNTER);

        assertThat(request.securityControl()).isEqualTo(DlmsCoreReadsJdlmsHlsGmacServerTest.SC_AUTHENTICATED);
        assertThat(request.invocationCounter()).isEqualTo(FRAME_COUNTER);
        assertThat(HEX.formatHex(plain)).startsWith("0100000006");
        assertThat(request.body()).isEqualTo(GreenBookGcm.encrypt(DlmsCoreReadsJdlmsHlsGmacServerTest.EK, iv,
                DlmsCoreReadsJdlmsHlsGmacServerTest.SC_AUTHENTICATED, DlmsCoreReadsJdlmsHlsGmacServerTest.AK, plain));
        byte[] greenBook = GreenBookGcm.concat(plain, GreenBookGcm.authenticationTag(DlmsCoreReadsJdlmsHlsGmacServerTest.EK,
                iv, DlmsCoreReadsJdlmsHlsGmacServerTest.SC_AUTHENTICATED, DlmsCoreReadsJdlmsHlsGmacServerTest.AK, plain));
        assertThat(request.body()).isNotEqualTo(greenBook);
    }

    /**
     * jDLMS "encrypted only" sends what the Green Book says (ciphertext, no tag), but cannot receive it: its
     * server deciphers the AARQ expecting a 12-byte tag, fails and closes the socket, even for its own client.
     */
    @Test
    void encryptedOnlyFailsEvenBetweenJdlmsPeers() throws Exception {
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();
        Throwable failure = catchThrowable(() -> builder(Hls.GMAC_ENCRYPTED_ONLY, raw).build().close());

        assertThat(failure).isInstanceOf(EOFException.class).hasMessage("Socket was closed by remote host.");
        assertThat(raw).extracting(RawMessageData::getMessageSource).containsExactly(MessageSource.CLIENT);
        RawMessageData aarq = raw.get(0);
        Ciphered request = Ciphered.parse(Acse.userInformation(Acse.apduOfJdlmsMessage(aarq.getMessage())));
        byte[] plain = aarq.getApdu().getCosemPdu().getPlainCosemPdu();
        byte[] iv = GreenBookGcm.iv(DlmsCoreReadsJdlmsHlsGmacServerTest.CLIENT_TITLE, FRAME_COUNTER);
        assertThat(request.securityControl()).isEqualTo(DlmsCoreReadsJdlmsHlsGmacServerTest.SC_ENCRYPTED);
        assertThat(request.body()).isEqualTo(GreenBookGcm.encryptOnly(DlmsCoreReadsJdlmsHlsGmacServerTest.EK, iv, plain));
        // the ciphertext of the "authenticated only" AARQ above, tag cut off: same key, IV and plaintext
        byte[] authenticatedOnly = GreenBookGcm.encrypt(DlmsCoreReadsJdlmsHlsGmacServerTest.EK, iv,
                DlmsCoreReadsJdlmsHlsGmacServerTest.SC_AUTHENTICATED, DlmsCoreReadsJdlmsHlsGmacServerTest.AK, plain);
        assertThat(request.body()).isEqualTo(Arrays.copyOf(authenticatedOnly, plain.length));
    }

    /** jDLMS's AES-GCM-256 works against itself, with suite id 1 in the security control byte on both sides. */
    @Test
    void aes256WorksBetweenJdlmsPeersUnderSuiteId1() throws Exception {
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();
        try (DlmsConnection connection = builder(Hls.GMAC_SUITE_2, raw).build()) {
            assertThat(readEnergy(connection)).isEqualTo(DlmsCoreReadsJdlmsServerTest.RAW);
        }
        for (MessageSource source : MessageSource.values()) {
            byte[] acse = Acse.apduOfJdlmsMessage(firstFrom(raw, source).getMessage());
            assertThat(Ciphered.parse(Acse.userInformation(acse)).securityControl()).as("%s", source)
                    .isEqualTo(DlmsCoreReadsJdlmsHlsGmacServerTest.SC_JDLMS_AES_256);
        }
    }

    /**
     * What jDLMS 1.8.0 offers at all: HLS-GMAC is its only HLS mechanism (no HLS-SHA256, mechanism 6, nor
     * HLS-ECDSA, 7, hence no suite 1/2 association with signatures, no borealis-b7 or delta-q9 management
     * association), and its client cannot propose a dedicated key.
     */
    @Test
    void jdlmsOffersHlsGmacOnlyAndNoDedicatedKey() {
        assertThat(AuthenticationMechanism.values()).extracting(AuthenticationMechanism::getId).containsExactly(0, 1, 5);
        assertThat(EncryptionMechanism.values()).containsExactly(EncryptionMechanism.NONE,
                EncryptionMechanism.AES_GCM_128, EncryptionMechanism.AES_GCM_256);
        assertThat(TcpConnectionBuilder.class.getMethods()).extracting(Method::getName)
                .contains("setSecuritySuite", "setSystemTitle", "setFrameCounter")
                .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains("dedicated"));
    }
}
