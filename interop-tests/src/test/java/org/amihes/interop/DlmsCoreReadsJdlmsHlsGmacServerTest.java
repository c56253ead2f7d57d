package org.amihes.interop;

import static org.amihes.interop.Acse.HEX;
import static org.amihes.interop.Loopback.HOST;
import static org.amihes.interop.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import gurux.dlms.objects.GXDLMSRegister;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.MeterReading;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SecuritySettings.SecurityPolicy;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.interop.GreenBookGcm.Ciphered;
import org.amihes.interop.JdlmsServerPeer.Framing;
import org.amihes.simulator.MeterKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmuc.jdlms.AuthenticationMechanism;
import org.openmuc.jdlms.SecuritySuite;
import org.openmuc.jdlms.SecuritySuite.EncryptionMechanism;

/**
 * Direction A with HLS-GMAC (authentication mechanism 5, global keys): our client ({@code dlms-core}) against a
 * jDLMS server whose logical device 1 holds the same Register and Clock as {@link DlmsCoreReadsJdlmsServerTest}.
 * One jDLMS client restriction per security configuration ({@link Hls}). Only the wrapper: jDLMS's HDLC server
 * fails before any AARQ (incompatibility 2). Ciphered bytes on the wire are checked with the JDK's own AES-GCM
 * ({@link GreenBookGcm}), so each failure names who departs from the Green Book.
 */
@Timeout(30)
class DlmsCoreReadsJdlmsHlsGmacServerTest {

    /** Green Book example keys (suite 0): global unicast encryption key and authentication key */
    static final byte[] EK = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    static final byte[] AK = HEX.parseHex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF");
    /** 256-bit keys for suite 2 (AES-GCM-256) */
    static final byte[] EK_256 = HEX.parseHex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
    static final byte[] AK_256 = HEX.parseHex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF");
    static final byte[] DEDICATED_KEY = HEX.parseHex("00112233445566778899AABBCCDDEEFF");
    /** our client's system title, as towards the simulator: "HES00001" */
    static final byte[] CLIENT_TITLE = MeterKeys.HEAD_END_SYSTEM_TITLE;

    static final String CONTEXT_LN_WITH_CIPHERING = DlmsCoreReadsJdlmsServerTest.CONTEXT_LN_WITH_CIPHERING;
    static final String CONTEXT_LN_NO_CIPHERING = DlmsCoreReadsJdlmsServerTest.CONTEXT_LN_NO_CIPHERING;
    /** AARQ/AARE mechanism-name HLS-GMAC (8B 07 60 85 74 05 08 02 05) */
    static final String MECHANISM_HLS_GMAC = "8B0760857405080205";
    static final String RESULT_ACCEPTED = DlmsCoreReadsJdlmsServerTest.RESULT_ACCEPTED;

    /** security control bytes: authentication (bit 4), encryption (bit 5), suite id (bits 0-3) */
    static final int SC_AUTHENTICATED_ENCRYPTED = 0x30;
    static final int SC_AUTHENTICATED = 0x10;
    static final int SC_ENCRYPTED = 0x20;
    static final int SC_SUITE_2_AUTHENTICATED_ENCRYPTED = 0x32;
    /** what jDLMS writes for AES-GCM-256: suite id 1 (its EncryptionMechanism code), see incompatibility 8 */
    static final int SC_JDLMS_AES_256 = 0x31;

    /** xDLMS APDU tags (ciphered ones: glo- global key, ded- dedicated key) */
    static final int GLO_INITIATE_REQUEST = 0x21;
    static final int GLO_INITIATE_RESPONSE = 0x28;
    static final int DED_ACTION_REQUEST = 0xD3;

    /** One jDLMS client restriction each: the client id is the association's client SAP. */
    enum Hls {
        /** suite 0, authenticated and encrypted: the aurora-ax1 configuration */
        GMAC_AUTHENTICATED_ENCRYPTED(1, SecurityPolicy.AUTHENTICATED_ENCRYPTED, EncryptionMechanism.AES_GCM_128,
                SecuritySuite.SecurityPolicy.AUTHENTICATED_AND_ENCRYPTED),
        GMAC_AUTHENTICATED_ONLY(2, SecurityPolicy.AUTHENTICATED, EncryptionMechanism.AES_GCM_128,
                SecuritySuite.SecurityPolicy.AUTHENTICATED),
        GMAC_ENCRYPTED_ONLY(3, SecurityPolicy.ENCRYPTED, EncryptionMechanism.AES_GCM_128,
                SecuritySuite.SecurityPolicy.ENCRYPTED),
        /** HLS-GMAC for the association only, xDLMS APDUs in clear (context "LN, no ciphering") */
        GMAC_UNCIPHERED(4, SecurityPolicy.NONE, EncryptionMechanism.NONE, null),
        /** suite 2 keys and AES-GCM-256 with HLS-GMAC, authenticated and encrypted */
        GMAC_SUITE_2(5, SecurityPolicy.AUTHENTICATED_ENCRYPTED, EncryptionMechanism.AES_GCM_256,
                SecuritySuite.SecurityPolicy.AUTHENTICATED_AND_ENCRYPTED);

        final int client;
        final SecurityPolicy ours;
        final EncryptionMechanism jdlmsEncryption;
        final SecuritySuite.SecurityPolicy jdlmsPolicy;

        Hls(int client, SecurityPolicy ours, EncryptionMechanism jdlmsEncryption,
            SecuritySuite.SecurityPolicy jdlmsPolicy) {
            this.client = client;
            this.ours = ours;
            this.jdlmsEncryption = jdlmsEncryption;
            this.jdlmsPolicy = jdlmsPolicy;
        }

        int suite() {
            return this == GMAC_SUITE_2 ? 2 : 0;
        }

        byte[] ek() {
            return suite() == 2 ? EK_256 : EK;
        }

        byte[] ak() {
            return suite() == 2 ? AK_256 : AK;
        }

        /** The jDLMS side of this configuration, for its server restriction and its own client alike. */
        SecuritySuite jdlms() {
            SecuritySuite.SecuritySuiteBuilder b = SecuritySuite.builder()
                    .setAuthenticationMechanism(AuthenticationMechanism.HLS5_GMAC)
                    .setEncryptionMechanism(jdlmsEncryption)
                    .setGlobalUnicastEncryptionKey(ek().clone())
                    .setAuthenticationKey(ak().clone());
            if (jdlmsPolicy != null) {
                b.setSecurityPolicy(jdlmsPolicy);
            }
            return b.build();
        }
    }

    /** every association gets a fresh, higher invocation counter (jDLMS's server does not check it anyway) */
    static final AtomicLong COUNTER = new AtomicLong(1_000);

    static Vertx vertx;
    static EventLoops loops;
    static Transports transports;
    static MeterReader reader;
    static JdlmsServerPeer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        loops = await(EventLoops.deploy(vertx, 1));
        transports = new Transports(vertx, Duration.ofSeconds(2));
        reader = new MeterReader(vertx, loops, transports);
        server = startServer();
    }

    /** A wrapper jDLMS server with the public and LLS clients plus one client per {@link Hls} configuration. */
    static JdlmsServerPeer startServer() throws Exception {
        Map<Integer, SecuritySuite> clients = new java.util.HashMap<>();
        for (Hls h : Hls.values()) {
            clients.put(h.client, h.jdlms());
        }
        return JdlmsServerPeer.start(Framing.WRAPPER, DlmsCoreReadsJdlmsServerTest.objects(), null, clients);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    static SessionSettings settings(Hls h, byte[] dedicatedKey) {
        SecuritySettings security = new SecuritySettings(h.suite(), h.ours, CLIENT_TITLE, h.ek(), h.ak(), dedicatedKey,
                COUNTER.addAndGet(1_000), null, null, null);
        return new SessionSettings(HOST, server.port(), TransportKind.TCP_WRAPPER, h.client,
                JdlmsServerPeer.LOGICAL_DEVICE, AuthenticationLevel.HIGH_GMAC, null, Duration.ofSeconds(3),
                SessionSettings.DEFAULT_MAX_PDU, security);
    }

    static DlmsException readFailure(SessionSettings settings) throws Exception {
        Throwable failure = Loopback.failureOf(reader.read(settings, List.of(DlmsCoreReadsJdlmsServerTest.ENERGY)));
        assertThat(failure).isInstanceOf(DlmsException.class);
        return (DlmsException) failure;
    }

    static DlmsSession open(SessionSettings settings) throws Exception {
        return await(DlmsSession.open(vertx, loops.next(), transports.forKind(settings.transport()), settings));
    }

    // ---------------------------------------------------------------- what interoperates

    @ParameterizedTest
    @EnumSource(names = {"GMAC_AUTHENTICATED_ENCRYPTED", "GMAC_UNCIPHERED"})
    void meterReaderReadsRegisterScalerUnitAndClockOverHlsGmac(Hls h) throws Exception {
        SessionSettings settings = settings(h, null);
        MeterReading reading = await(reader.read(settings, List.of(DlmsCoreReadsJdlmsServerTest.ENERGY)));

        assertThat(reading.meterTime()).isEqualTo(DlmsCoreReadsJdlmsServerTest.CLOCK_INSTANT);
        assertThat(reading.registers()).singleElement().satisfies(r -> {
            assertThat(r.obis()).isEqualTo(DlmsCoreReadsJdlmsServerTest.ENERGY);
            assertThat(r.raw()).isEqualByComparingTo(BigDecimal.valueOf(DlmsCoreReadsJdlmsServerTest.RAW));
            assertThat(r.scaler()).isEqualTo(DlmsCoreReadsJdlmsServerTest.SCALER);
            assertThat(r.unit()).isEqualTo("Wh");
            assertThat(r.value()).isEqualByComparingTo("12345678.9");
        });
        long start = settings.security().invocationCounter();
        if (h.ours == SecurityPolicy.NONE) {
            assertThat(reading.nextInvocationCounter()).isEqualTo(start); // nothing ciphered, f(StoC) only
        } else {
            // AARQ, HLS pass 3 and one GET-with-list: three ciphered APDUs
            assertThat(reading.nextInvocationCounter()).isEqualTo(start + 3);
        }
    }

    /**
     * The whole suite-0 association on the wire, each ciphered APDU checked with the JDK's AES-GCM: AARQ
     * (glo-initiateRequest), AARE (glo-initiateResponse), HLS pass 3/4 (glo-action), two glo-GETs, RLRQ/RLRE.
     */
    @Test
    void gmacAssociationOnTheWireIsWhatTheGreenBookSays() throws Exception {
        Hls h = Hls.GMAC_AUTHENTICATED_ENCRYPTED;
        SessionSettings settings = settings(h, null);
        long ic = settings.security().invocationCounter();
        DlmsSession session = open(settings);
        GXDLMSRegister energy = new GXDLMSRegister(DlmsCoreReadsJdlmsServerTest.ENERGY);
        assertThat(await(session.read(energy, 2))).isEqualTo(DlmsCoreReadsJdlmsServerTest.RAW);
        await(session.read(energy, 3));
        assertThat(energy.getScaler()).isCloseTo(0.1, within(1e-12));
        await(session.release());

        List<byte[]> apdus = session.exchange().stream().map(Acse::apduOfWrapperLine).toList();
        assertThat(apdus).extracting(a -> a[0] & 0xFF)
                .containsExactly(0x60, 0x61, 0xCB, 0xCF, 0xC8, 0xCC, 0xC8, 0xCC, 0x62, 0x63);

        // AARQ: ciphered context, mechanism 5, our system title, glo-initiateRequest under our IC
        byte[] aarq = apdus.get(0);
        assertThat(HEX.formatHex(aarq)).contains(CONTEXT_LN_WITH_CIPHERING, MECHANISM_HLS_GMAC);
        assertThat(Acse.apTitle(aarq, 0xA6)).isEqualTo(CLIENT_TITLE);
        Ciphered request = Ciphered.parse(Acse.userInformation(aarq));
        assertThat(request.tag()).isEqualTo(GLO_INITIATE_REQUEST);
        assertThat(request.securityControl()).isEqualTo(SC_AUTHENTICATED_ENCRYPTED);
        assertThat(request.invocationCounter()).isEqualTo(ic);
        byte[] initiateRequest = GreenBookGcm.decrypt(EK, GreenBookGcm.iv(CLIENT_TITLE, ic),
                SC_AUTHENTICATED_ENCRYPTED, AK, request.body());
        assertThat(HEX.formatHex(initiateRequest)).startsWith("0100"); // InitiateRequest, no dedicated key

        // AARE: accepted, same context, jDLMS's system title, glo-initiateResponse under jDLMS's IC 1
        byte[] aare = apdus.get(1);
        assertThat(HEX.formatHex(aare)).contains(CONTEXT_LN_WITH_CIPHERING, RESULT_ACCEPTED);
        assertThat(Acse.apTitle(aare, 0xA4)).isEqualTo(JdlmsServerPeer.SYSTEM_TITLE);
        Ciphered response = Ciphered.parse(Acse.userInformation(aare));
        assertThat(response.tag()).isEqualTo(GLO_INITIATE_RESPONSE);
        assertThat(response.invocationCounter()).isEqualTo(1);
        byte[] initiateResponse = GreenBookGcm.decrypt(EK, GreenBookGcm.iv(JdlmsServerPeer.SYSTEM_TITLE, 1),
                SC_AUTHENTICATED_ENCRYPTED, AK, response.body());
        assertThat(HEX.formatHex(initiateResponse)).startsWith("080006"); // InitiateResponse, no QoS, DLMS 6
        // Tolerated: for HLS the Green Book's AARE says acse-service-user authentication-required (14) and
        // names the mechanism; jDLMS says null (0) and leaves mechanism-name out. Gurux goes on to pass 3 anyway.
        assertThat(Acse.field(aare, 0xA3))
                .hasValueSatisfying(d -> assertThat(HEX.formatHex(d)).isEqualTo("A103020100"));
        assertThat(Acse.field(aare, 0x89)).isEmpty();

        // our ciphered requests count up from the AARQ's IC, jDLMS's responses from the AARE's 1
        for (int i = 2; i <= 7; i++) {
            Ciphered c = Ciphered.parse(apdus.get(i));
            assertThat(c.securityControl()).isEqualTo(SC_AUTHENTICATED_ENCRYPTED);
            assertThat(c.invocationCounter()).isEqualTo(i % 2 == 0 ? ic + i / 2 : (i + 1) / 2);
        }
        // release in clear, reason normal both ways
        assertThat(HEX.formatHex(apdus.get(8))).isEqualTo("6203800100");
        assertThat(HEX.formatHex(apdus.get(9))).isEqualTo("6303800100");
        assertThat(session.invocationCounter()).isEqualTo(ic + 4);
    }

    // ---------------------------------------------------------------- incompatibility 5: jDLMS's server counter

    /**
     * jDLMS's server starts its invocation counter at 1 in every association (ServerConnectionData). Two
     * associations with the same key therefore encrypt the same InitiateResponse under the same IV: the two
     * glo-initiateResponses are byte for byte the same. The Green Book forbids reusing an IV with a key (GCM's
     * security depends on it). Our client does not remember a meter's counter between sessions, so it does not
     * notice; both sessions read.
     */
    @Test
    void jdlmsServerRestartsItsInvocationCounterInEveryAssociation() throws Exception {
        byte[][] responses = new byte[2][];
        for (int i = 0; i < 2; i++) {
            DlmsSession session = open(settings(Hls.GMAC_AUTHENTICATED_ENCRYPTED, null));
            assertThat(await(session.read(new GXDLMSRegister(DlmsCoreReadsJdlmsServerTest.ENERGY), 2)))
                    .isEqualTo(DlmsCoreReadsJdlmsServerTest.RAW);
            await(session.release());
            responses[i] = Acse.userInformation(Acse.apduOfWrapperLine(session.exchange().get(1)));
            assertThat(Ciphered.parse(responses[i]).invocationCounter()).isEqualTo(1);
        }
        assertThat(responses[1]).isEqualTo(responses[0]);
    }

    // ---------------------------------------------------------------- incompatibility 6: policies 1 and 2

    /**
     * Authenticated only (SC 0x10): our AARQ carries the InitiateRequest in clear followed by the GMAC tag over
     * SC | AK | APDU, exactly as the Green Book (and the JCE here) computes it. jDLMS treats every ciphered APDU as
     * ciphertext | tag with AAD SC | AK, so the tag cannot verify: it closes the connection without an AARE.
     */
    @Test
    void authenticatedOnlyAarqIsDroppedByJdlms() throws Exception {
        SessionSettings settings = settings(Hls.GMAC_AUTHENTICATED_ONLY, null);
        DlmsException e = readFailure(settings);

        assertThat(e.code()).isEqualTo(FailureCode.CLOSED_AFTER_AARQ);
        assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        assertThat(e.exchange()).singleElement().asString().startsWith("TX ");
        Ciphered request = Ciphered.parse(Acse.userInformation(Acse.apduOfWrapperLine(e.exchange().get(0))));
        assertThat(request.securityControl()).isEqualTo(SC_AUTHENTICATED);
        byte[] iv = GreenBookGcm.iv(CLIENT_TITLE, request.invocationCounter());
        byte[] clear = Arrays.copyOf(request.body(), request.body().length - GreenBookGcm.TAG_BYTES);
        byte[] tag = Arrays.copyOfRange(request.body(), clear.length, request.body().length);
        assertThat(HEX.formatHex(clear)).startsWith("0100000006").endsWith("0400"); // InitiateRequest, PDU 1024
        assertThat(tag).isEqualTo(GreenBookGcm.authenticationTag(EK, iv, SC_AUTHENTICATED, AK, clear));
        // what jDLMS does with it: decipher clear | tag as ciphertext | tag under AAD SC | AK, which fails
        assertThatThrownBy(() -> GreenBookGcm.decrypt(EK, iv, SC_AUTHENTICATED, AK, request.body()))
                .isInstanceOf(AEADBadTagException.class);
    }

    /**
     * Encrypted only (SC 0x20): our AARQ carries the ciphertext alone, as long as the InitiateRequest, with no tag
     * (Green Book). jDLMS deciphers every APDU as ciphertext | 12-byte tag, so the last 12 bytes of the ciphertext
     * are taken for a tag, which cannot verify: it closes the connection without an AARE.
     */
    @Test
    void encryptedOnlyAarqIsDroppedByJdlms() throws Exception {
        SessionSettings settings = settings(Hls.GMAC_ENCRYPTED_ONLY, null);
        DlmsException e = readFailure(settings);

        assertThat(e.code()).isEqualTo(FailureCode.CLOSED_AFTER_AARQ);
        assertThat(e.exchange()).singleElement().asString().startsWith("TX ");
        Ciphered request = Ciphered.parse(Acse.userInformation(Acse.apduOfWrapperLine(e.exchange().get(0))));
        assertThat(request.securityControl()).isEqualTo(SC_ENCRYPTED);
        byte[] iv = GreenBookGcm.iv(CLIENT_TITLE, request.invocationCounter());
        byte[] initiateRequest = GreenBookGcm.decryptOnly(EK, iv, request.body());
        assertThat(HEX.formatHex(initiateRequest)).startsWith("0100000006").endsWith("0400");
        assertThat(request.body()).hasSameSizeAs(initiateRequest); // no tag
        assertThatThrownBy(() -> GreenBookGcm.decrypt(EK, iv, SC_ENCRYPTED, new byte[0], request.body()))
                .isInstanceOf(AEADBadTagException.class);
    }

    // ---------------------------------------------------------------- incompatibility 7: dedicated key

    /**
     * Our AARQ proposes a dedicated key in the (ciphered) InitiateRequest. jDLMS decodes the field, ignores it and
     * accepts the association. Our HLS pass 3 then comes as ded-action-request (D3), ciphered with the dedicated
     * key; jDLMS deciphers it with the global key, fails and closes the connection. Our client says what is
     * likely rather than reporting a network drop.
     */
    @Test
    void dedicatedKeyIsAcceptedThenIgnoredByJdlms() throws Exception {
        DlmsException e = readFailure(settings(Hls.GMAC_AUTHENTICATED_ENCRYPTED, DEDICATED_KEY));

        assertThat(e.code()).isEqualTo(FailureCode.CLOSED_AFTER_DEDICATED_KEY);
        assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        assertThat(e.getMessage()).startsWith("DLMS-406: Connection closed right after the first dedicated-key APDU")
                .contains("probably ignored the dedicated key proposed in the AARQ");
        assertThat(e.exchange()).hasSize(3);
        List<byte[]> apdus = e.exchange().stream().map(Acse::apduOfWrapperLine).toList();

        Ciphered request = Ciphered.parse(Acse.userInformation(apdus.get(0)));
        byte[] initiateRequest = GreenBookGcm.decrypt(EK, GreenBookGcm.iv(CLIENT_TITLE, request.invocationCounter()),
                SC_AUTHENTICATED_ENCRYPTED, AK, request.body());
        // InitiateRequest, dedicated-key present (01), 16 bytes (10), the key
        assertThat(HEX.formatHex(initiateRequest)).startsWith("010110" + HEX.formatHex(DEDICATED_KEY));

        assertThat(HEX.formatHex(apdus.get(1))).contains(CONTEXT_LN_WITH_CIPHERING, RESULT_ACCEPTED);

        Ciphered pass3 = Ciphered.parse(apdus.get(2));
        assertThat(pass3.tag()).isEqualTo(DED_ACTION_REQUEST);
        byte[] iv = GreenBookGcm.iv(CLIENT_TITLE, pass3.invocationCounter());
        byte[] action = GreenBookGcm.decrypt(DEDICATED_KEY, iv, pass3.securityControl(), AK, pass3.body());
        // action-request normal, class 15, 0.0.40.0.0.255, method 1 (reply_to_HLS_authentication)
        assertThat(HEX.formatHex(action)).startsWith("C301").contains("000F0000280000FF01");
        assertThatThrownBy(() -> GreenBookGcm.decrypt(EK, iv, pass3.securityControl(), AK, pass3.body()))
                .isInstanceOf(GeneralSecurityException.class);
    }

    // ---------------------------------------------------------------- incompatibility 8: AES-GCM-256

    /**
     * Suite 2 keys with HLS-GMAC: our AARQ says suite 2 in its security control byte (0x32) and authenticates
     * with it in the AAD. jDLMS's AES-GCM-256 writes and expects suite id 1 (0x31) there, so its AAD differs, the
     * tag cannot verify and it closes the connection without an AARE.
     */
    @Test
    void suite2AarqIsDroppedBecauseJdlmsCallsAes256Suite1() throws Exception {
        DlmsException e = readFailure(settings(Hls.GMAC_SUITE_2, null));

        assertThat(e.code()).isEqualTo(FailureCode.CLOSED_AFTER_AARQ);
        assertThat(e.exchange()).singleElement().asString().startsWith("TX ");
        Ciphered request = Ciphered.parse(Acse.userInformation(Acse.apduOfWrapperLine(e.exchange().get(0))));
        assertThat(request.securityControl()).isEqualTo(SC_SUITE_2_AUTHENTICATED_ENCRYPTED);
        byte[] iv = GreenBookGcm.iv(CLIENT_TITLE, request.invocationCounter());
        assertThat(HEX.formatHex(GreenBookGcm.decrypt(EK_256, iv, SC_SUITE_2_AUTHENTICATED_ENCRYPTED, AK_256,
                request.body()))).startsWith("0100000006");
        assertThatThrownBy(() -> GreenBookGcm.decrypt(EK_256, iv, SC_JDLMS_AES_256, AK_256, request.body()))
                .isInstanceOf(AEADBadTagException.class);
    }
}
