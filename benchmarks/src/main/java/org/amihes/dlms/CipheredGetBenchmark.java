package org.amihes.dlms;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXReplyData;
import gurux.dlms.objects.GXDLMSClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.amihes.dlms.SecuritySettings.SecurityPolicy;
import org.amihes.dlms.transport.TransportKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Client-side cost of one ciphered GET round trip (authenticated + encrypted): encode the glo-get-request for the
 * clock, decode and decipher the glo-get-response. Suite 0 is AES-GCM-128, suite 2 AES-GCM-256. The response is
 * built once with the JCE from the spec's rules, so only our stack's work is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CipheredGetBenchmark {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    static final byte[] CLIENT_TITLE = "HES00001".getBytes();
    static final byte[] SERVER_TITLE = "AUR00001".getBytes();
    /** get-response-normal, invoke id C1, data: date-time 2026-03-01 12:34:56. */
    static final byte[] RESPONSE_PLAIN = HEX.parseHex("C401C100090C07EA0301070C223800000000");

    @Param({"0", "2"})
    public int suite;

    private DlmsClient client;
    private GXDLMSClock clock;
    private byte[] responseFrame;

    @Setup
    public void setUp() throws Exception {
        int keyLength = suite == 2 ? 32 : 16;
        byte[] ek = new byte[keyLength];
        byte[] ak = new byte[keyLength];
        for (int i = 0; i < keyLength; i++) {
            ek[i] = (byte) i;
            ak[i] = (byte) (0xD0 + i);
        }
        SecuritySettings security = new SecuritySettings(suite, SecurityPolicy.AUTHENTICATED_ENCRYPTED, CLIENT_TITLE,
                ek, ak, null, 1, null, null, null);
        client = new DlmsClient(new SessionSettings("127.0.0.1", 4059, TransportKind.TCP_WRAPPER, 1, 1,
                AuthenticationLevel.NONE, null, Duration.ofSeconds(1), 1024, security));
        client.setServerSystemTitle(SERVER_TITLE);
        clock = new GXDLMSClock("0.0.1.0.0.255");
        responseFrame = cipheredResponse(ek, ak, 0x10);
        roundTrip(); // fail here, not silently in the measurement, if the frame does not decode
        if (clock.getTime() == null) {
            throw new IllegalStateException("the ciphered response did not decode to a date-time");
        }
    }

    @Benchmark
    public void cipheredGetRoundTrip(Blackhole bh) throws Exception {
        bh.consume(roundTrip());
    }

    private Object roundTrip() throws Exception {
        byte[][] request = client.read(clock, 2);
        GXReplyData reply = new GXReplyData();
        if (!client.getData(new GXByteBuffer(responseFrame), reply, null)) {
            throw new IllegalStateException("incomplete response frame");
        }
        client.updateValue(clock, 2, reply.getValue());
        return request;
    }

    /** Wrapper frame carrying glo-get-response: tag CC, length, SC 0x30 | suite, IC, AES-GCM(ciphertext | 12-byte tag). */
    private byte[] cipheredResponse(byte[] ek, byte[] ak, long ic) throws Exception {
        byte sc = (byte) (0x30 | suite);
        byte[] iv = ByteBuffer.allocate(12).put(SERVER_TITLE).putInt((int) ic).array();
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ek, "AES"), new GCMParameterSpec(96, iv));
        gcm.updateAAD(new byte[] {sc});
        gcm.updateAAD(ak);
        byte[] protectedPart = gcm.doFinal(RESPONSE_PLAIN);
        ByteBuffer apdu = ByteBuffer.allocate(2 + 5 + protectedPart.length)
                .put((byte) 0xCC).put((byte) (5 + protectedPart.length)).put(sc).putInt((int) ic).put(protectedPart);
        ByteBuffer frame = ByteBuffer.allocate(8 + apdu.capacity())
                .putShort((short) 1).putShort((short) 1).putShort((short) 1).putShort((short) apdu.capacity())
                .put(apdu.array());
        return frame.array();
    }
}
