package org.amihes.simulator;

/**
 * Corrects the release response (RLRE) of Gurux 4.0.47's server, whose BER lengths are too short: the
 * user-information [30] declares one byte less than the octet string it wraps, and the RLRE declares its content
 * a few bytes short (e.g. 63 11 ... BE 0F 04 0E ... for 21 and 16 bytes). The bytes themselves are right, so the
 * lengths are recomputed in place; on HDLC the frame check sequence is recomputed too. Anything that does not
 * parse as such an RLRE is left alone.
 */
final class RlreLengths {

    private static final int RLRE = 0x63;
    private static final int USER_INFORMATION = 0xBE;
    private static final int OCTET_STRING = 0x04;

    private RlreLengths() {
    }

    /** True when {@code frame} carries a release response: the association it belonged to has ended. */
    static boolean isRelease(byte[] frame, VendorProfile.Framing framing) {
        int apdu = Frames.apduOffset(frame, framing);
        return apdu >= 0 && apdu < frame.length && (frame[apdu] & 0xFF) == RLRE;
    }

    static byte[] correct(byte[] frame, VendorProfile.Framing framing) {
        boolean hdlc = framing == VendorProfile.Framing.HDLC;
        int apdu = Frames.apduOffset(frame, framing);
        int end = hdlc ? frame.length - 3 : frame.length; // HDLC ends with FCS (2) and the flag
        if (apdu < 0 || apdu + 2 > end || (frame[apdu] & 0xFF) != RLRE) {
            return frame;
        }
        byte[] fixed = frame.clone();
        int p = apdu + 2;
        while (p + 1 < end) {
            if ((fixed[p] & 0xFF) == USER_INFORMATION && p + 3 < end && (fixed[p + 2] & 0xFF) == OCTET_STRING) {
                int inner = fixed[p + 3] & 0xFF;
                fixed[p + 1] = (byte) (2 + inner);
                p += 4 + inner;
            } else {
                p += 2 + (fixed[p + 1] & 0xFF);
            }
        }
        if (p != end || end - apdu - 2 > 127) {
            return frame; // not the shape this fix knows: send what Gurux made
        }
        fixed[apdu + 1] = (byte) (end - apdu - 2);
        return hdlc ? Frames.withChecks(fixed) : fixed;
    }
}
