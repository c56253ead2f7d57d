package org.amihes.dlms;

import gurux.dlms.enums.InterfaceType;

/**
 * Just enough of the wire format to check what Gurux does not: where an APDU starts in a wrapper or HDLC frame,
 * the application-context-name and result of an AARQ/AARE, and the security header of a ciphered xDLMS APDU
 * (tag, length, security control byte, 4-byte invocation counter; Green Book 9.2.7). Pure and bounded: bytes it
 * cannot read give "nothing found" (-1 or null), never an exception.
 */
final class Apdus {

    static final int AARQ = 0x60;
    static final int AARE = 0x61;
    /** application-context-name prefix, joint-iso-ccitt(2) country(16) country-name(756) identified-organization(5) DLMS-UA(8) application-context(1) */
    private static final byte[] CONTEXT_NAME_PREFIX = {0x06, 0x07, 0x60, (byte) 0x85, 0x74, 0x05, 0x08, 0x01};
    /** LLC header of an HDLC information field: E6 E6 00 client to meter, E6 E7 00 meter to client (IEC 62056-46) */
    private static final int LLC_DESTINATION = 0xE6;

    private Apdus() {
    }

    /** The security header of a ciphered xDLMS APDU and which key family it belongs to. */
    record CipherHeader(int tag, boolean dedicated, int securityControl, long invocationCounter) {
    }

    /** The ACSE fields this project checks; -1 where the PDU does not carry the field. */
    record Acse(int tag, int contextName, int result, int userInformationStart, int userInformationEnd) {
    }

    /** Length of the complete frame at {@code from}, or -1 if it is incomplete or not a frame of this framing. */
    static int frameLength(byte[] b, int from, int end, InterfaceType framing) {
        if (framing == InterfaceType.HDLC) {
            if (end - from < 3 || (b[from] & 0xFF) != 0x7E || (b[from + 1] & 0xF0) != 0xA0) {
                return -1;
            }
            int length = ((b[from + 1] & 0x07) << 8 | (b[from + 2] & 0xFF)) + 2; // format length excludes the flags
            return end - from >= length ? length : -1;
        }
        if (end - from < 8 || b[from] != 0 || b[from + 1] != 1) { // wrapper version 1
            return -1;
        }
        int length = 8 + ((b[from + 6] & 0xFF) << 8 | (b[from + 7] & 0xFF));
        return end - from >= length ? length : -1;
    }

    /**
     * Where the APDU starts inside the complete frame {@code [from, from + length)}, or -1 when the frame starts no
     * APDU: an HDLC frame that is not an I-frame, or a segment after the first (only the first carries the LLC).
     */
    static int apduStart(byte[] b, int from, int length, InterfaceType framing, boolean fromMeter) {
        int end = from + length;
        if (framing != InterfaceType.HDLC) {
            return length > 8 ? from + 8 : -1;
        }
        int p = skipAddress(b, skipAddress(b, from + 3, end), end); // destination, then source
        if (p < 0 || p >= end || (b[p] & 0x01) != 0) { // control field: I-frames have bit 0 clear
            return -1;
        }
        p += 3; // control, HCS
        int info = end - 3; // FCS, closing flag
        if (info - p < 4 || (b[p] & 0xFF) != LLC_DESTINATION || (b[p + 1] & 0xFF) != (fromMeter ? 0xE7 : 0xE6)
                || b[p + 2] != 0) {
            return -1;
        }
        return p + 3;
    }

    private static int skipAddress(byte[] b, int p, int end) {
        for (int i = 0; p >= 0 && i < 4 && p < end; i++, p++) { // HDLC addresses are 1, 2 or 4 bytes
            if ((b[p] & 0x01) != 0) {
                return p + 1;
            }
        }
        return -1;
    }

    /** The APDU tag of a complete frame, or -1. */
    static int apduTag(byte[] frame, InterfaceType framing, boolean fromMeter) {
        int length = frameLength(frame, 0, frame.length, framing);
        int start = length < 0 ? -1 : apduStart(frame, 0, length, framing, fromMeter);
        return start < 0 ? -1 : frame[start] & 0xFF;
    }

    /** The ACSE fields of the AARQ or AARE at {@code at}, or null if there is none. */
    static Acse acse(byte[] b, int at, int end) {
        if (at < 0 || at >= end || ((b[at] & 0xFF) != AARQ && (b[at] & 0xFF) != AARE)) {
            return null;
        }
        int[] length = berLength(b, at + 1, end);
        if (length == null) {
            return null;
        }
        int p = length[1];
        int limit = Math.min(end, p + length[0]);
        int contextName = -1;
        int result = -1;
        int userStart = -1;
        int userEnd = -1;
        while (p < limit) { // each step consumes at least two bytes: bounded by the PDU length
            int tag = b[p] & 0xFF;
            int[] field = berLength(b, p + 1, limit);
            if (field == null || field[1] + field[0] > limit) {
                return null;
            }
            int value = field[1];
            switch (tag) {
                case 0xA1 -> contextName = contextName(b, value, field[0]);
                case 0xA2 -> result = field[0] == 3 && b[value] == 0x02 && b[value + 1] == 1 ? b[value + 2] & 0xFF : -1;
                case 0xBE -> {
                    int[] octets = b[value] == 0x04 ? berLength(b, value + 1, value + field[0]) : null;
                    if (octets != null) {
                        userStart = octets[1];
                        userEnd = Math.min(octets[1] + octets[0], value + field[0]);
                    }
                }
                default -> {
                }
            }
            p = value + field[0];
        }
        return new Acse(b[at] & 0xFF, contextName, result, userStart, userEnd);
    }

    /** The last arc of an application-context-name (1 LN, 2 SN, 3 LN with ciphering, 4 SN with ciphering), or -1. */
    private static int contextName(byte[] b, int value, int length) {
        if (length != CONTEXT_NAME_PREFIX.length + 1) {
            return -1;
        }
        for (int i = 0; i < CONTEXT_NAME_PREFIX.length; i++) {
            if (b[value + i] != CONTEXT_NAME_PREFIX[i]) {
                return -1;
            }
        }
        return b[value + CONTEXT_NAME_PREFIX.length] & 0xFF;
    }

    /** How an application-context-name reads in a message: its object identifier and meaning. */
    static String describeContextName(int name) {
        String meaning = switch (name) {
            case 1 -> "LN referencing, no ciphering";
            case 2 -> "SN referencing, no ciphering";
            case 3 -> "LN referencing with ciphering";
            case 4 -> "SN referencing with ciphering";
            default -> "unknown";
        };
        return "2.16.756.5.8.1." + name + " (" + meaning + ")";
    }

    /** The security header of the ciphered APDU at {@code at}, or null if the APDU there is not glo-/ded-ciphered. */
    static CipherHeader cipherHeader(byte[] b, int at, int end) {
        if (at < 0 || at >= end) {
            return null;
        }
        int tag = b[at] & 0xFF;
        Boolean dedicated = dedicated(tag);
        if (dedicated == null) {
            return null;
        }
        int p = at + 1;
        if (tag == 0xDB || tag == 0xDC) { // general-glo/ded-ciphering: the sender's system title comes first
            int[] title = berLength(b, p, end);
            if (title == null) {
                return null;
            }
            p = title[1] + title[0];
        }
        int[] content = berLength(b, p, end);
        if (content == null || content[0] < 5 || content[1] + 5 > end) {
            return null;
        }
        int sc = content[1];
        long ic = (b[sc + 1] & 0xFFL) << 24 | (b[sc + 2] & 0xFFL) << 16 | (b[sc + 3] & 0xFFL) << 8 | (b[sc + 4] & 0xFFL);
        return new CipherHeader(tag, dedicated, b[sc] & 0xFF, ic);
    }

    /** Whether an APDU tag is ciphered with a dedicated key; false for the global key, null if not ciphered so. */
    static Boolean dedicated(int tag) {
        return switch (tag) {
            // glo-: initiate, read, write, confirmed-service-error, information-report; get, set, event, action;
            // and general-glo-ciphering
            case 0x21, 0x25, 0x26, 0x28, 0x2C, 0x2D, 0x2E, 0x38,
                 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCF, 0xDB -> Boolean.FALSE;
            // ded-: the same services, and general-ded-ciphering
            case 0x41, 0x45, 0x46, 0x48, 0x4C, 0x4D, 0x4E, 0x56, 0x58,
                 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD7, 0xDC -> Boolean.TRUE;
            default -> null;
        };
    }

    /**
     * For a frame from the meter carrying a release response (RLRE, tag 0x63): null when its BER lengths add up, else
     * what does not (a known Gurux server defect writes them too short). Null for any other frame.
     */
    static String rlreLengthDeviation(byte[] frame, InterfaceType framing) {
        int length = frameLength(frame, 0, frame.length, framing);
        if (length < 0) {
            return null;
        }
        int apdu = apduStart(frame, 0, length, framing, true);
        int end = framing == InterfaceType.HDLC ? length - 3 : length; // HDLC: FCS and closing flag
        if (apdu < 0 || apdu + 2 > end || (frame[apdu] & 0xFF) != 0x63) {
            return null;
        }
        int[] outer = berLength(frame, apdu + 1, end);
        if (outer == null) {
            return "its length cannot be read";
        }
        int follow = end - outer[1];
        if (outer[0] != follow) {
            return "its length says " + outer[0] + " bytes, " + follow + " follow";
        }
        for (int p = outer[1]; p < end; ) {
            int[] element = berLength(frame, p + 1, end);
            if (element == null || element[1] + element[0] > end) {
                return "element [" + String.format("%02X", frame[p] & 0xFF) + "] at byte " + (p - apdu)
                        + " overruns the APDU";
            }
            int next = element[1] + element[0];
            if ((frame[p] & 0xFF) == 0xBE && next < end) {
                return "user-information [BE] says " + element[0] + " bytes, " + (end - element[1]) + " follow";
            }
            p = next;
        }
        return null;
    }

    /** A BER / A-XDR definite length at {@code p}: {length, offset of the value}, or null if it does not fit. */
    private static int[] berLength(byte[] b, int p, int end) {
        if (p >= end) {
            return null;
        }
        int first = b[p] & 0xFF;
        if (first < 0x80) {
            return new int[] {first, p + 1};
        }
        int bytes = first & 0x7F;
        if (bytes == 0 || bytes > 3 || p + bytes >= end) {
            return null;
        }
        int length = 0;
        for (int i = 1; i <= bytes; i++) {
            length = length << 8 | (b[p + i] & 0xFF);
        }
        return new int[] {length, p + 1 + bytes};
    }
}
