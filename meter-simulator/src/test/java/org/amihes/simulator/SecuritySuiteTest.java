package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.secure.GXDLMSSecureClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The meter checks the security suite in the security control byte (SC) of what it deciphers: bits 0-3 of the SC
 * are the suite id (Green Book), and an APDU naming another suite than the meter's security setup cannot be
 * deciphered, even when key and tag are right. Gurux's client makes the APDUs; where it cannot write the wrong suite
 * (suite 1 with 32-byte keys, as jDLMS does) the AARQ is re-enciphered here with the JCE, AES-GCM as the Green Book
 * applies it (IV = system title | invocation counter, AAD = SC | authentication key, 12-byte tag).
 */
@Timeout(30)
class SecuritySuiteTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** exception-response: state-error service-unknown (2), service-error deciphering-error (5) */
    static final String DECIPHERING_ERROR = "D80205";
    static final AtomicLong COUNTER = new AtomicLong(1_000);

    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.27.0.1", SimulatorOptions.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void aarqNamingAnotherSuiteIsRefusedAsUndecipherableAndTheRightSuiteAssociates() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1"); // HLS-GMAC, suite 0
        MeterKeys keys = fixture.simulator.fleet().keys(meter.meterId());

        // suite 1 uses the same AES-GCM-128 and key length: only the SC (0x31) is wrong, key and tag are right
        try (Wire wire = new Wire(meter)) {
            GXDLMSSecureClient suite1 = gmacClient(keys, SecuritySuite.SUITE_1, keys.blockCipherKey());
            byte[] aarq = suite1.aarqRequest()[0];
            assertThat(HEX.formatHex(aarq)).contains("211F31");
            assertThat(HEX.formatHex(wire.apdu(aarq))).isEqualTo(DECIPHERING_ERROR);
        }
        // exactly what the meter answers an AARQ under a wrong key
        try (Wire wire = new Wire(meter)) {
            byte[] wrongKey = keys.blockCipherKey().clone();
            wrongKey[0] ^= 1;
            byte[] aarq = gmacClient(keys, SecuritySuite.SUITE_0, wrongKey).aarqRequest()[0];
            assertThat(HEX.formatHex(wire.apdu(aarq))).isEqualTo(DECIPHERING_ERROR);
        }
        // the meter's own suite associates and reads
        try (Wire wire = new Wire(meter)) {
            GXDLMSSecureClient suite0 = gmacClient(keys, SecuritySuite.SUITE_0, keys.blockCipherKey());
            wire.associate(suite0);
            assertThat(wire.readClock(suite0)).isEqualTo(Fixture.NOW);
        }
    }

    /**
     * Inside an association too, a request naming suite 1 gets the meter's answer to a request it cannot decipher
     * (here: one whose tag does not verify), still under the meter's own suite 0. Each case on its own association:
     * Gurux's server answers every later request of an association with that same error once it has failed to
     * decipher one.
     */
    @Test
    void cipheredRequestNamingAnotherSuiteInsideTheAssociationIsUndecipherable() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        MeterKeys keys = fixture.simulator.fleet().keys(meter.meterId());
        GXDLMSClock clock = new GXDLMSClock(CosemObjects.CLOCK);

        byte[] refused;
        try (Wire wire = new Wire(meter)) {
            GXDLMSSecureClient client = gmacClient(keys, SecuritySuite.SUITE_0, keys.blockCipherKey());
            wire.associate(client);
            client.getCiphering().setSecuritySuite(SecuritySuite.SUITE_1); // same key, tag right for SC 0x31
            byte[] request = client.read(clock, 2)[0];
            assertThat(sc(request)).isEqualTo(0x31);
            refused = wire.frame(request);
        }
        byte[] undecipherable;
        try (Wire wire = new Wire(meter)) {
            GXDLMSSecureClient client = gmacClient(keys, SecuritySuite.SUITE_0, keys.blockCipherKey());
            wire.associate(client);
            byte[] tampered = client.read(clock, 2)[0];
            tampered[tampered.length - 1] ^= 1;
            undecipherable = wire.frame(tampered);
        }
        try (Wire wire = new Wire(meter)) {
            GXDLMSSecureClient client = gmacClient(keys, SecuritySuite.SUITE_0, keys.blockCipherKey());
            wire.associate(client);
            assertThat(wire.readClock(client)).isEqualTo(Fixture.NOW);
        }

        assertThat(sc(refused)).as("the meter keeps its own suite").isEqualTo(0x30);
        assertThat(sc(undecipherable)).isEqualTo(0x30);
        assertThat(HEX.formatHex(decipher(refused, keys)))
                .isEqualTo(HEX.formatHex(decipher(undecipherable, keys)))
                .doesNotStartWith("C401"); // not a Get-Response-Normal with the clock
    }

    /**
     * A suite-2 meter (AES-GCM-256 keys) and an AARQ that says suite 1 under those keys, as jDLMS writes it: the tag
     * is right for SC 0x31, the suite is not the meter's. The same AARQ under 0x32 is accepted.
     */
    @Test
    void suite2MeterRefusesAnAes256AarqThatSaysSuite1() throws Exception {
        MeterSpec meter = fixture.meter("borealis-b7"); // HLS-ECDSA, suite 2
        MeterKeys keys = fixture.simulator.fleet().keys(meter.meterId());
        GXDLMSSecureClient client = new GXDLMSSecureClient(true, SimulatedMeter.HLS_CLIENT, 1,
                Authentication.HIGH_ECDSA, null, InterfaceType.WRAPPER);
        client.getCiphering().setSecuritySuite(SecuritySuite.SUITE_2);
        client.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
        client.getCiphering().setSystemTitle(MeterKeys.HEAD_END_SYSTEM_TITLE);
        client.getCiphering().setBlockCipherKey(keys.blockCipherKey());
        client.getCiphering().setAuthenticationKey(keys.authenticationKey());
        client.getCiphering().setInvocationCounter(COUNTER.addAndGet(1_000));
        byte[] suite2 = client.aarqRequest()[0];
        byte[] suite1 = resealUserInformation(suite2, 0x31, keys);
        assertThat(HEX.formatHex(suite2)).contains("211F32");
        assertThat(HEX.formatHex(suite1)).contains("211F31");

        try (Wire wire = new Wire(meter)) {
            assertThat(HEX.formatHex(wire.apdu(suite1))).isEqualTo(DECIPHERING_ERROR);
        }
        try (Wire wire = new Wire(meter)) {
            // accepted, HLS pending: association-result 0, diagnostic authentication-required (14)
            assertThat(HEX.formatHex(wire.apdu(suite2))).startsWith("61").contains("A203020100", "A305A10302010E");
        }
    }

    // ---------------------------------------------------------------- helpers

    static GXDLMSSecureClient gmacClient(MeterKeys keys, SecuritySuite suite, byte[] blockCipherKey) {
        GXDLMSSecureClient c = new GXDLMSSecureClient(true, SimulatedMeter.HLS_CLIENT, 1, Authentication.HIGH_GMAC,
                null, InterfaceType.WRAPPER);
        c.getCiphering().setSecuritySuite(suite);
        c.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
        c.getCiphering().setSystemTitle(MeterKeys.HEAD_END_SYSTEM_TITLE);
        c.getCiphering().setBlockCipherKey(blockCipherKey);
        c.getCiphering().setAuthenticationKey(keys.authenticationKey());
        c.getCiphering().setInvocationCounter(COUNTER.addAndGet(1_000)); // above any counter the meter has seen
        return c;
    }

    /** The SC of a wrapper frame holding general-glo-ciphering: header (8), DB, title length and title (9), length. */
    static int sc(byte[] frame) {
        assertThat(frame[8]).isEqualTo((byte) 0xDB);
        return frame[8 + 1 + 9 + 1] & 0xFF;
    }

    /** Deciphers the meter's general-glo-ciphering answer (authenticated and encrypted, one-byte length). */
    static byte[] decipher(byte[] frame, MeterKeys keys) throws GeneralSecurityException {
        int p = 8 + 2;
        byte[] title = Arrays.copyOfRange(frame, p, p + 8);
        p += 8 + 1;
        byte sc = frame[p++];
        byte[] ic = Arrays.copyOfRange(frame, p, p + 4);
        p += 4;
        return gcm(Cipher.DECRYPT_MODE, keys.blockCipherKey(), concat(title, ic), concat(new byte[] {sc},
                keys.authenticationKey()), Arrays.copyOfRange(frame, p, frame.length));
    }

    /** The AARQ with its glo-initiate-request deciphered and enciphered again under {@code newSc}. */
    static byte[] resealUserInformation(byte[] frame, int newSc, MeterKeys keys) throws GeneralSecurityException {
        String hex = HEX.formatHex(frame);
        int at = hex.indexOf("BE") / 2; // user-information: BE len 04 len 21 len SC IC ...
        assertThat(HEX.formatHex(Arrays.copyOfRange(frame, at + 2, at + 5))).matches("04..21");
        int length = frame[at + 5] & 0xFF;
        int sc = at + 6;
        byte[] iv = concat(MeterKeys.HEAD_END_SYSTEM_TITLE, Arrays.copyOfRange(frame, sc + 1, sc + 5));
        byte[] sealed = Arrays.copyOfRange(frame, sc + 5, sc + length);
        byte[] plain = gcm(Cipher.DECRYPT_MODE, keys.blockCipherKey(), iv,
                concat(new byte[] {frame[sc]}, keys.authenticationKey()), sealed);
        byte[] resealed = gcm(Cipher.ENCRYPT_MODE, keys.blockCipherKey(), iv,
                concat(new byte[] {(byte) newSc}, keys.authenticationKey()), plain);
        byte[] out = frame.clone();
        out[sc] = (byte) newSc;
        System.arraycopy(resealed, 0, out, sc + 5, resealed.length);
        return out;
    }

    static byte[] gcm(int mode, byte[] key, byte[] iv, byte[] aad, byte[] input) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(96, iv));
        c.updateAAD(aad);
        return c.doFinal(input);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** One TCP connection to a wrapper meter: whole frames out, whole frames back. */
    static final class Wire implements AutoCloseable {
        private final Socket socket = new Socket();
        private final DataInputStream in;

        Wire(MeterSpec meter) throws IOException {
            socket.connect(new InetSocketAddress(meter.host(), meter.port()), 2_000);
            socket.setSoTimeout(5_000);
            in = new DataInputStream(socket.getInputStream());
        }

        byte[] frame(byte[] request) throws IOException {
            socket.getOutputStream().write(request);
            byte[] header = new byte[8];
            in.readFully(header);
            byte[] frame = Arrays.copyOf(header, 8 + (((header[6] & 0xFF) << 8) | (header[7] & 0xFF)));
            in.readFully(frame, 8, frame.length - 8);
            return frame;
        }

        byte[] apdu(byte[] request) throws IOException {
            byte[] f = frame(request);
            return Arrays.copyOfRange(f, 8, f.length);
        }

        void associate(GXDLMSSecureClient c) throws Exception {
            c.parseAareResponse(parse(c, frame(c.aarqRequest()[0])).getData());
            c.parseApplicationAssociationResponse(parse(c, frame(c.getApplicationAssociationRequest()[0])).getData());
        }

        java.time.Instant readClock(GXDLMSSecureClient c) throws Exception {
            GXDLMSClock clock = new GXDLMSClock(CosemObjects.CLOCK);
            c.updateValue(clock, 2, parse(c, frame(c.read(clock, 2)[0])).getValue());
            return clock.getTime().getValue().toInstant();
        }

        private static GXReplyData parse(GXDLMSSecureClient c, byte[] frame) throws Exception {
            GXReplyData reply = new GXReplyData();
            assertThat(c.getData(new GXByteBuffer(frame), reply, new GXReplyData())).isTrue();
            return reply;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
