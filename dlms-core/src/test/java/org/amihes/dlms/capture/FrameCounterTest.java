package org.amihes.dlms.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frames built here from IEC 62056-47 (wrapper) and IEC 62056-46 (HDLC), fed in arbitrary pieces: the counter must
 * find every frame and the APDU bytes they carry however the stream is cut.
 */
class FrameCounterTest {

    @Test
    void wrapperFramesCutAnywhere() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        long apdu = 0;
        int frames = 10_000;
        Random random = new Random(7);
        for (int i = 0; i < frames; i++) {
            int n = random.nextInt(1500);
            stream.writeBytes(new byte[] {0, 1, 0, 0x10, 0, 1, (byte) (n >> 8), (byte) n});
            stream.writeBytes(new byte[n]);
            apdu += n;
        }
        FrameCounter c = feedInPieces(new FrameCounter(false), stream.toByteArray(), random);
        assertThat(c.frames).isEqualTo(frames);
        assertThat(c.apduBytes).isEqualTo(apdu);
    }

    @Test
    void hdlcFramesWithSegmentationSharedFlagsAndLinkFrames() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        // SNRM without information, client 0x21 (SAP 16) to server 0x03 (1-byte addresses)
        stream.writeBytes(frame(0x03, 0x21, 0x93, null, false));
        // UA with negotiation parameters: an information field, but no APDU
        stream.writeBytes(frame(0x21, 0x03, 0x73, new byte[20], false));
        // an I frame: LLC E6 E6 00 + 30 APDU bytes, 4-byte server address (upper 1, lower 17)
        stream.writeBytes(frame(new byte[] {0x00, 0x02, 0x00, 0x23}, 0x21, 0x10, withLlc(30), false));
        // a segmented APDU: 100 bytes + LLC, then 100, then the last 50; the first frames share flags
        byte[] first = frame(0x21, 0x03, 0x30, withLlc(100), true);
        byte[] second = frame(0x21, 0x03, 0x32, new byte[100], true);
        stream.writeBytes(first);
        stream.write(second, 1, second.length - 1); // shared flag: only one 7E between the frames
        stream.writeBytes(frame(0x21, 0x03, 0x34, new byte[50], false));
        // RR, then DISC
        stream.writeBytes(frame(0x03, 0x21, 0x51, null, false));
        stream.writeBytes(frame(0x03, 0x21, 0x53, null, false));
        byte[] all = stream.toByteArray();
        for (int seed = 0; seed < 200; seed++) {
            FrameCounter c = feedInPieces(new FrameCounter(true), all, new Random(seed));
            assertThat(c.frames).isEqualTo(8);
            assertThat(c.apduBytes).isEqualTo(30 + 250);
        }
    }

    private static byte[] withLlc(int apdu) {
        byte[] b = new byte[apdu + 3];
        b[0] = (byte) 0xE6;
        b[1] = (byte) 0xE6;
        return b;
    }

    private static byte[] frame(int destination, int source, int control, byte[] info, boolean segmented) {
        return frame(new byte[] {(byte) destination}, source, control, info, segmented);
    }

    /** flag, format (type A, S, length), addresses, control, HCS if information, information, FCS, flag */
    private static byte[] frame(byte[] destination, int source, int control, byte[] info, boolean segmented) {
        int length = 2 + destination.length + 1 + 1 + (info == null ? 0 : 2 + info.length) + 2;
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x7E);
        f.write(0xA0 | (segmented ? 0x08 : 0) | (length >> 8));
        f.write(length & 0xFF);
        f.writeBytes(destination);
        f.write(source);
        f.write(control);
        if (info != null) {
            f.write(0x12);
            f.write(0x34); // HCS (not checked by the counter)
            f.writeBytes(info);
        }
        f.write(0x56);
        f.write(0x78); // FCS
        f.write(0x7E);
        return f.toByteArray();
    }

    private static FrameCounter feedInPieces(FrameCounter c, byte[] all, Random random) {
        int i = 0;
        while (i < all.length) {
            int n = Math.min(all.length - i, 1 + random.nextInt(40));
            byte[] piece = new byte[n];
            System.arraycopy(all, i, piece, 0, n);
            c.accept(piece);
            i += n;
        }
        return c;
    }
}
