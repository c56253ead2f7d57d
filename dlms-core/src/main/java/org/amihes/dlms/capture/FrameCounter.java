package org.amihes.dlms.capture;

/**
 * Counts the frames of one direction of a link and the APDU bytes they carry, from the byte stream as it comes
 * (frames may be split or merged across reads). Reads only the headers (wrapper: 8 bytes; HDLC: format, addresses
 * and control) and skips the rest, so it costs a few operations per frame.
 * <ul>
 * <li>Wrapper (IEC 62056-47): version, source and destination wPort, length; the APDU is the {@code length} bytes
 * after the header.</li>
 * <li>HDLC (IEC 62056-46): flag, frame format (type 0xA, segmentation bit, 11-bit length), destination and source
 * address (1, 2 or 4 bytes, last byte odd), control, HCS when an information field follows, information, FCS, flag.
 * The APDU bytes are the information field of I and UI frames, without the LLC header (E6 E6 00 / E6 E7 00) that
 * opens the first segment of each APDU.</li>
 * </ul>
 */
final class FrameCounter {

    private static final int LLC = 3;
    private static final int FLAG = 0x7E;

    private final boolean hdlc;
    private final byte[] header = new byte[11];
    private int have;
    private boolean seekingFlag = true;
    private long skip;
    /** HDLC: the next I frame continues a segmented APDU (no LLC header) */
    private boolean segmented;
    long frames;
    long apduBytes;

    FrameCounter(boolean hdlc) {
        this.hdlc = hdlc;
    }

    void accept(byte[] b) {
        int i = 0;
        while (i < b.length) {
            if (skip > 0) {
                int n = (int) Math.min(skip, b.length - i);
                skip -= n;
                i += n;
            } else if (hdlc) {
                i = hdlc(b, i);
            } else {
                header[have++] = b[i++];
                if (have == 8) {
                    int length = ((header[6] & 0xFF) << 8) | (header[7] & 0xFF);
                    frames++;
                    apduBytes += length;
                    skip = length;
                    have = 0;
                }
            }
        }
    }

    private int hdlc(byte[] b, int i) {
        int v = b[i] & 0xFF;
        if (seekingFlag) {
            if (v == FLAG) {
                seekingFlag = false;
                have = 0;
            }
            return i + 1;
        }
        if (have == 0 && v == FLAG) {
            return i + 1; // the previous frame's closing flag followed by this one's opening flag
        }
        header[have++] = (byte) v;
        if (have < 2) {
            return i + 1;
        }
        int length = ((header[0] & 0x07) << 8) | (header[1] & 0xFF);
        if ((header[0] & 0xF0) != 0xA0 || length < 7) {
            seekingFlag = true; // not a frame format field: resynchronise on the next flag
            return i + 1;
        }
        int destination = addressLength(2);
        int source = destination < 0 ? -1 : addressLength(2 + destination);
        if (source < 0 || have < 2 + destination + source + 1) {
            if (have == header.length) {
                seekingFlag = true; // addresses longer than 4 bytes: not HDLC
            }
            return i + 1;
        }
        int control = header[2 + destination + source] & 0xFF;
        int headerLength = 2 + destination + source + 1;
        int info = length - headerLength - 2 - 2; // HCS and FCS
        frames++;
        boolean carriesApdu = (control & 0x01) == 0 || (control & 0xEF) == 0x03; // I or UI
        if (info > 0 && carriesApdu) {
            apduBytes += segmented ? info : Math.max(0, info - LLC);
            segmented = (header[0] & 0x08) != 0;
        }
        skip = length - have + 1; // the rest, and the closing flag
        have = 0;
        seekingFlag = false;
        return i + 1;
    }

    /** Length of the address starting at {@code from} in the header, or -1 while incomplete. */
    private int addressLength(int from) {
        for (int k = from; k < have && k < from + 4; k++) {
            if ((header[k] & 0x01) != 0) {
                return k - from + 1;
            }
        }
        return -1;
    }
}
