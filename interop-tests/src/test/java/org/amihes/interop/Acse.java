package org.amihes.interop;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Picks fields out of an ACSE APDU (AARQ 60, AARE 61, RLRQ 62, RLRE 63: BER, one level of context-tagged
 * fields), and wrapper frames (IEC 62056-47: 8-byte header) apart. Test-side reading only, no validation beyond
 * what the tests need.
 */
final class Acse {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** wrapper header: version (2), source (2), destination (2), length (2) */
    static final int WRAPPER_HEADER = 8;

    private Acse() {
    }

    /** The APDU of an exchange line ("TX 0001..." / "RX 0001...") of our client over the wrapper. */
    static byte[] apduOfWrapperLine(String line) {
        return Arrays.copyOfRange(HEX.parseHex(line.substring(3)), WRAPPER_HEADER, (line.length() - 3) / 2);
    }

    /**
     * The APDU of a message jDLMS's raw message listener reported: a whole wrapper frame (00 01 ..) when jDLMS
     * decoded it, the bare APDU when it failed to.
     */
    static byte[] apduOfJdlmsMessage(byte[] message) {
        return message.length > WRAPPER_HEADER && message[0] == 0x00 && message[1] == 0x01
                ? Arrays.copyOfRange(message, WRAPPER_HEADER, message.length)
                : message;
    }

    /** The value of the context-tagged field {@code tag} (e.g. 0xA4 responding-AP-title) of an ACSE APDU. */
    static Optional<byte[]> field(byte[] acse, int tag) {
        int[] outer = header(acse, 0);
        int at = outer[0];
        int end = at + outer[1];
        while (at < end) {
            int fieldTag = acse[at] & 0xFF;
            int[] h = header(acse, at);
            if (fieldTag == tag) {
                return Optional.of(Arrays.copyOfRange(acse, h[0], h[0] + h[1]));
            }
            at = h[0] + h[1];
        }
        return Optional.empty();
    }

    /** The xDLMS APDU the user-information field (BE, an OCTET STRING 04 inside) carries. */
    static byte[] userInformation(byte[] acse) {
        byte[] external = field(acse, 0xBE).orElseThrow(() -> new AssertionError("no user-information in "
                + HEX.formatHex(acse)));
        if ((external[0] & 0xFF) != 0x04) {
            throw new AssertionError("user-information is not an OCTET STRING: " + HEX.formatHex(external));
        }
        int[] h = header(external, 0);
        return Arrays.copyOfRange(external, h[0], h[0] + h[1]);
    }

    /** The system title an AP-title field (A6 calling / A4 responding: 04 08 title) carries. */
    static byte[] apTitle(byte[] acse, int tag) {
        byte[] value = field(acse, tag).orElseThrow(() -> new AssertionError(String.format("no AP-title %02X", tag)));
        int[] h = header(value, 0);
        return Arrays.copyOfRange(value, h[0], h[0] + h[1]);
    }

    /** {content offset, content length} of the BER element at {@code at} (definite lengths up to 2 bytes). */
    private static int[] header(byte[] b, int at) {
        int length = b[at + 1] & 0xFF;
        if (length == 0x81) {
            return new int[] {at + 3, b[at + 2] & 0xFF};
        }
        if (length == 0x82) {
            return new int[] {at + 4, ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF)};
        }
        return new int[] {at + 2, length};
    }
}
