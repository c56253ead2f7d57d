package org.amihes.simulator;

/**
 * Byte-level access to the APDU inside a frame Gurux built, to corrupt it on purpose ({@link #corrupt}).
 * Wrapper: version, source, destination, length (2 bytes each), APDU. HDLC: 7E, format and length (2), destination
 * and source addresses (1-4 bytes each, the last with bit 0 set), control, HCS (2), LLC (3), APDU, FCS (2), 7E.
 */
final class Frames {

    private static final int WRAPPER_HEADER = 8;
    private static final byte INVALID_TAG = (byte) 0xFF;

    private Frames() {
    }

    /** Where the APDU starts, or -1 when the frame carries none (HDLC UA, RR, a later segment). */
    static int apduOffset(byte[] f, VendorProfile.Framing framing) {
        if (framing == VendorProfile.Framing.WRAPPER) {
            return f.length > WRAPPER_HEADER ? WRAPPER_HEADER : -1;
        }
        int control = hdlcControl(f);
        int llc = control + 3; // control byte, HCS
        boolean iFrame = control > 0 && control < f.length && (f[control] & 1) == 0;
        boolean hasLlc = llc + 3 < f.length - 3 && (f[llc] & 0xFF) == 0xE6 && ((f[llc + 1] & 0xFF) == 0xE6
                || (f[llc + 1] & 0xFF) == 0xE7) && f[llc + 2] == 0;
        return iFrame && hasLlc ? llc + 3 : -1;
    }

    /**
     * The block number of a GET response with a data block (xDLMS get-response-with-datablock: C4 02, invoke-id,
     * last-block, block-number as 4 bytes), or -1 when the frame carries another APDU, or none (a later HDLC segment).
     */
    static long dataBlockNumber(byte[] f, VendorProfile.Framing framing) {
        int apdu = apduOffset(f, framing);
        if (apdu < 0 || apdu + 8 > f.length || (f[apdu] & 0xFF) != 0xC4 || f[apdu + 1] != 0x02) {
            return -1;
        }
        return ((f[apdu + 4] & 0xFFL) << 24) | ((f[apdu + 5] & 0xFFL) << 16) | ((f[apdu + 6] & 0xFFL) << 8)
                | (f[apdu + 7] & 0xFFL);
    }

    /**
     * Corrupts an answer on purpose, keeping its framing valid so that the client receives a complete frame and
     * fails on its content (a malformed PDU), not on a timeout: the APDU's tag becomes 0xFF, which no xDLMS APDU
     * uses. A frame without an APDU is returned as it is.
     */
    static byte[] corrupt(byte[] frame, VendorProfile.Framing framing) {
        int apdu = apduOffset(frame, framing);
        if (apdu < 0) {
            return frame;
        }
        byte[] out = frame.clone();
        out[apdu] = INVALID_TAG;
        return framing == VendorProfile.Framing.HDLC ? withChecks(out) : out;
    }

    /** Recomputes an HDLC frame's HCS and FCS (in place). */
    static byte[] withChecks(byte[] f) {
        int hcs = hdlcControl(f) + 1;
        put(f, hcs, crc16(f, 1, hcs - 1));
        put(f, f.length - 3, crc16(f, 1, f.length - 4));
        return f;
    }

    /** Index of an HDLC frame's control byte: after the flag, the format (2) and both addresses; -1 if none. */
    static int hdlcControl(byte[] f) {
        int pos = 3;
        for (int address = 0; address < 2; address++) {
            while (pos < f.length && (f[pos] & 1) == 0) {
                pos++;
            }
            pos++;
        }
        return pos < f.length ? pos : -1;
    }

    /** HDLC sends its CRCs least significant byte first. */
    private static void put(byte[] f, int at, int crc) {
        f[at] = (byte) crc;
        f[at + 1] = (byte) (crc >>> 8);
    }

    /** CRC-16/X.25, HDLC's HCS and FCS. */
    static int crc16(byte[] data, int offset, int length) {
        int crc = 0xFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return ~crc & 0xFFFF;
    }
}
