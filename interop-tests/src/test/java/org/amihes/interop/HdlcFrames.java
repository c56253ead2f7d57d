package org.amihes.interop;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads whole IEC 62056-46 HDLC frames (frame format type 3) off a byte stream and picks their fields. */
final class HdlcFrames {

    private static final int FLAG = 0x7E;

    private HdlcFrames() {
    }

    /** The next frame, opening and closing flag included. */
    static byte[] read(InputStream in) throws IOException {
        int b;
        do {
            b = in.read();
            if (b < 0) {
                throw new EOFException("closed before a frame started");
            }
        } while (b != FLAG);
        int f0 = in.read();
        int f1 = in.read();
        if (f0 < 0 || f1 < 0) {
            throw new EOFException("closed inside the frame format field");
        }
        int length = ((f0 & 0x07) << 8) | f1; // frame length, flags excluded, format field included
        ByteArrayOutputStream frame = new ByteArrayOutputStream(length + 2);
        frame.write(FLAG);
        frame.write(f0);
        frame.write(f1);
        frame.write(in.readNBytes(length - 2));
        int closing = in.read();
        if (closing != FLAG) {
            throw new IOException("frame of length " + length + " not closed by a flag but by " + closing);
        }
        frame.write(FLAG);
        return frame.toByteArray();
    }

    /** The control field: after the flag, the 2-byte format field and both addresses (last address byte has bit 0 set). */
    static int control(byte[] frame) {
        int i = 3;
        for (int address = 0; address < 2; address++) {
            while ((frame[i] & 1) == 0) {
                i++;
            }
            i++;
        }
        return frame[i] & 0xFF;
    }

    /** Send sequence number N(S) of an I-frame. */
    static int sendSequence(int control) {
        return (control >> 1) & 7;
    }

    /** Receive sequence number N(R) of an I- or S-frame: the next N(S) the sender of this frame expects. */
    static int receiveSequence(int control) {
        return (control >> 5) & 7;
    }

    static boolean isInformationFrame(int control) {
        return (control & 1) == 0;
    }
}
