package org.amihes.simulator;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Refuses a ciphered APDU whose security control byte (SC) names another security suite than the meter's security
 * setup. Bits 0-3 of the SC are the security suite id (DLMS UA Green Book, IEC 62056-5-3): 0x30 is suite 0,
 * authenticated and encrypted, 0x32 suite 2. Gurux 4.0.47's server takes the SC as it comes: it builds the AAD
 * from the byte it received and never compares the suite with its own, so it accepts an AARQ that says suite 1
 * (jDLMS writes 0x31 for AES-GCM-256) on a suite-2 meter, and inside an association it even switches its answers
 * to the client's suite. A strict meter cannot decipher such an APDU.
 *
 * <p>So the request bytes are checked before Gurux sees them. On a mismatch the SC's key_set bit (bit 6, "ciphered
 * with the broadcast key", a key this meter does not hold) is set: Gurux then refuses the APDU at the SC, before it
 * uses a key or the invocation counter, and answers as to any APDU it cannot decipher: exception-response
 * {@code D8 02 05} to an AARQ, its usual error answer inside an association. On HDLC the frame check sequence is
 * recomputed. Frames split across reads are held back until they are complete (Gurux waits for the rest anyway).
 * APDUs without an SC pass unchanged.
 */
final class SecurityControlCheck {

    static final int KEY_SET = 0x40;
    private static final int SUITE_BITS = 0x0F;
    private static final int WRAPPER_HEADER = 8;
    /** securityControlAt: the APDU carries no SC */
    static final int NONE = -1;
    /** securityControlAt: the SC lies beyond the bytes seen so far */
    static final int MORE = -2;

    private final VendorProfile.Framing framing;
    private final int suite;
    private static final byte[] NOTHING = new byte[0];

    private byte[] held = NOTHING;
    /** HDLC: the APDU bytes of earlier segments while the SC is still ahead; null when no APDU is open */
    private ByteArrayOutputStream segments;
    /** HDLC: the open segmented APDU needs no more looking at (SC found, or it has none) */
    private boolean settled;

    SecurityControlCheck(VendorProfile.Framing framing, int suite) {
        this.framing = framing;
        this.suite = suite;
    }

    /** The bytes to hand to Gurux now: every complete frame received so far, each checked; may be empty. */
    byte[] accept(byte[] received) {
        byte[] buffer = held.length == 0 ? received : concat(held, received);
        int end = 0;
        while (end < buffer.length) {
            int length = frameLength(buffer, end);
            if (length < 0) {
                end = buffer.length; // not a frame this check knows: Gurux decides what it is
                break;
            }
            if (length == 0 || end + length > buffer.length) {
                break; // the rest of this frame is still to come
            }
            check(buffer, end, length);
            end += length;
        }
        if (end == buffer.length) {
            held = NOTHING;
            return buffer;
        }
        held = Arrays.copyOfRange(buffer, end, buffer.length);
        return Arrays.copyOf(buffer, end);
    }

    /** Length of the frame at {@code at}; 0 when its header is incomplete, -1 when it is not a frame. */
    private int frameLength(byte[] b, int at) {
        int available = b.length - at;
        if (framing == VendorProfile.Framing.WRAPPER) {
            if (available < WRAPPER_HEADER) {
                return b[at] == 0 && (available < 2 || b[at + 1] == 1) ? 0 : -1;
            }
            return b[at] == 0 && b[at + 1] == 1 ? WRAPPER_HEADER + u16(b, at + 6) : -1;
        }
        if ((b[at] & 0xFF) != 0x7E) {
            return -1;
        }
        if (available < 3) {
            return 0;
        }
        if ((b[at + 1] & 0xF0) != 0xA0) {
            return -1; // not frame format type 3 (e.g. a shared or repeated flag): leave it to Gurux
        }
        return (((b[at + 1] & 0x07) << 8) | (b[at + 2] & 0xFF)) + 2; // the format's length excludes both flags
    }

    private void check(byte[] b, int at, int length) {
        if (framing == VendorProfile.Framing.WRAPPER) {
            int sc = securityControlAt(b, at + WRAPPER_HEADER, at + length);
            if (sc >= 0 && mismatch(b[sc])) {
                b[sc] |= KEY_SET;
            }
            return;
        }
        byte[] frame = Arrays.copyOfRange(b, at, at + length);
        if (checkHdlc(frame)) {
            System.arraycopy(Frames.withChecks(frame), 0, b, at, length);
        }
    }

    /** One HDLC frame; true when its SC was changed. An APDU may span segments (format bit 11). */
    private boolean checkHdlc(byte[] f) {
        int control = Frames.hdlcControl(f);
        int info = control + 3; // control, HCS
        int end = f.length - 3; // FCS, flag
        if (control < 0 || (f[control] & 1) != 0 || info >= end) {
            return false; // no information field: not an I-frame, or an empty one
        }
        boolean more = (f[1] & 0x08) != 0;
        if (segments == null) {
            boolean llc = end - info >= 3 && (f[info] & 0xFF) == 0xE6 && f[info + 2] == 0;
            if (!llc) {
                return false;
            }
            info += 3;
            segments = new ByteArrayOutputStream();
            settled = false;
        }
        boolean changed = false;
        if (!settled) {
            int before = segments.size();
            segments.write(f, info, end - info);
            byte[] apdu = segments.toByteArray();
            int sc = securityControlAt(apdu, 0, apdu.length);
            if (sc >= before && mismatch(apdu[sc])) {
                f[info + sc - before] |= KEY_SET;
                changed = true;
            }
            settled = sc != MORE;
        }
        if (!more) {
            segments = null;
        }
        return changed;
    }

    private boolean mismatch(byte securityControl) {
        return (securityControl & SUITE_BITS) != suite;
    }

    /**
     * Where the SC of the APDU in {@code a[start..end)} is: {@link #NONE} if it carries none, {@link #MORE} if it
     * lies past {@code end}. Ciphered APDUs (Green Book): service-specific glo- and ded- APDUs are tag, length, SC;
     * general-glo/ded-ciphering put the system title first; general-ciphering and general-signing five octet
     * strings (and a key-info) first, general-signing wraps another APDU. An AARQ or RLRQ carries its SC in the
     * ciphered xDLMS APDU of its user-information [30].
     */
    static int securityControlAt(byte[] a, int start, int end) {
        Cursor c = new Cursor(a, start, end);
        int tag = c.u8();
        return switch (tag) {
            case 0x60, 0x62 -> userInformation(c);
            case 0xDB, 0xDC -> c.skipOctetString().length().here();
            case 0xDD -> c.skipOctetStrings(5).skipKeyInfo().length().here();
            case 0xDF -> {
                Cursor content = c.skipOctetStrings(5).length();
                yield content.failed() ? MORE : securityControlAt(a, content.p, end);
            }
            case 0x21, 0x25, 0x26, 0x41, 0x45, 0x46, 0x56, 0xC8, 0xC9, 0xCB, 0xD0, 0xD1, 0xD3 -> c.length().here();
            case -1 -> MORE;
            default -> NONE;
        };
    }

    private static int userInformation(Cursor c) {
        int length = c.berLength();
        if (c.failed()) {
            return MORE;
        }
        int stop = c.p + length;
        while (c.p < stop) {
            int tag = c.u8();
            int elementLength = c.berLength();
            if (c.failed()) {
                return MORE;
            }
            if (tag == 0xBE) { // user-information: OCTET STRING holding the xDLMS APDU
                int octetString = c.u8();
                c.berLength();
                return c.failed() ? MORE : octetString != 0x04 ? NONE : securityControlAt(c.a, c.p, c.end);
            }
            c.p += elementLength;
        }
        return NONE;
    }

    /** Reads A-XDR and BER headers without running past {@code end}; once it has, every answer is MORE. */
    private static final class Cursor {
        final byte[] a;
        final int end;
        int p;
        private boolean past;
        /** a structure this reader does not know: no SC to find */
        private boolean unknown;

        Cursor(byte[] a, int p, int end) {
            this.a = a;
            this.p = p;
            this.end = end;
        }

        boolean failed() {
            return past;
        }

        int u8() {
            if (past || p >= end) {
                past = true;
                return -1;
            }
            return a[p++] & 0xFF;
        }

        /** A-XDR and BER share the definite length form: one byte below 0x80, else 0x8n and n bytes. */
        int berLength() {
            int first = u8();
            if (first < 0x80) {
                return first;
            }
            int value = 0;
            for (int i = 0; i < (first & 0x7F) && i < 4; i++) {
                value = (value << 8) | Math.max(0, u8());
            }
            return value;
        }

        Cursor length() {
            berLength();
            return this;
        }

        Cursor skipOctetString() {
            int n = berLength();
            p += past ? 0 : n;
            return this;
        }

        Cursor skipOctetStrings(int count) {
            for (int i = 0; i < count; i++) {
                skipOctetString();
            }
            return this;
        }

        /** key-info OPTIONAL: identified-key [0] key-id, wrapped-key [1] kek-id and key, agreed-key [2] two strings */
        Cursor skipKeyInfo() {
            if (u8() != 1) {
                return this;
            }
            switch (u8()) {
                case 0 -> u8();
                case 1 -> {
                    u8();
                    skipOctetString();
                }
                case 2 -> skipOctetStrings(2);
                default -> unknown = true;
            }
            return this;
        }

        int here() {
            return unknown ? NONE : past || p >= end ? MORE : p;
        }
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
