package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The security control byte (SC) of a ciphered APDU, bits 0-3 the security suite id (Green Book): an SC whose
 * suite is not the meter's gets its key_set bit (0x40) before Gurux sees it; nothing else changes. The APDUs are
 * laid out by hand from the Green Book's encodings (wrapper: version 0001, source, destination, length; HDLC:
 * IEC 62056-46 frame, LLC E6 E6 00, FCS = CRC-16/X.25 computed here).
 */
class SecurityControlCheckTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    static final String TITLE = "4845533030303031"; // "HES00001"
    static final String IC = "000003E8";
    static final String CIPHERTEXT = "C48F28B392E2385126";
    static final String TAG = "48306E43313719FEC5BC4E18";

    /** glo-initiate-request (21) inside user-information (BE ... 04 ...) of an HLS-GMAC AARQ. */
    static String aarq(int sc) {
        String initiate = "21" + len(1 + 4 + 9 + 12) + sc(sc) + IC + CIPHERTEXT + TAG;
        String userInformation = "BE" + len(2 + initiate.length() / 2) + "04" + len(initiate.length() / 2) + initiate;
        String body = "A109060760857405080103" + "A60A0408" + TITLE + "8A020780" + "8B0760857405080205"
                + "AC0A8008" + "0102030405060708" + userInformation;
        return "60" + len(body.length() / 2) + body;
    }

    /** general-glo-ciphering (DB): system title, then the ciphered content, SC first. */
    static String generalGlo(int sc) {
        String content = sc(sc) + IC + CIPHERTEXT + TAG;
        return "DB08" + TITLE + len(content.length() / 2) + content;
    }

    /** glo-get-request (C8): length, then SC. */
    static String gloGet(int sc) {
        return "C8" + len(1 + 4 + 9 + 12) + sc(sc) + IC + CIPHERTEXT + TAG;
    }

    @Test
    void aarqNamingAnotherSuiteGetsTheKeySetBitAndNothingElseChanges() {
        byte[] frame = wrapper(aarq(0x31));
        byte[] checked = new SecurityControlCheck(VendorProfile.Framing.WRAPPER, 2).accept(frame.clone());

        int sc = HEX.formatHex(frame).indexOf("041C211A31") / 2 + 4;
        assertThat(frame[sc]).isEqualTo((byte) 0x31);
        assertThat(checked[sc]).isEqualTo((byte) 0x71);
        checked[sc] = frame[sc];
        assertThat(checked).isEqualTo(frame);
    }

    @Test
    void theMetersOwnSuitePassesUnchanged() {
        for (int suite = 0; suite <= 2; suite++) {
            SecurityControlCheck check = new SecurityControlCheck(VendorProfile.Framing.WRAPPER, suite);
            for (String apdu : new String[] {aarq(0x30 | suite), generalGlo(0x30 | suite), gloGet(0x10 | suite),
                    generalGlo(0x20 | suite)}) {
                byte[] frame = wrapper(apdu);
                assertThat(check.accept(frame.clone())).as(apdu).isEqualTo(frame);
            }
        }
    }

    @Test
    void cipheredApdusInsideAnAssociationAreCheckedToo() {
        SecurityControlCheck suite0 = new SecurityControlCheck(VendorProfile.Framing.WRAPPER, 0);
        byte[] general = suite0.accept(wrapper(generalGlo(0x32)));
        assertThat(HEX.formatHex(general)).contains("DB08" + TITLE + "1A72" + IC);
        byte[] service = suite0.accept(wrapper(gloGet(0x31)));
        assertThat(HEX.formatHex(service)).contains("C81A71" + IC);
    }

    @Test
    void unencryptedApdusAndForeignBytesPassUnchanged() {
        SecurityControlCheck check = new SecurityControlCheck(VendorProfile.Framing.WRAPPER, 2);
        byte[] get = wrapper("C001C100080000010000FF0200"); // GET-request-normal, clock time
        byte[] lls = wrapper("601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFF");
        byte[] noise = HEX.parseHex("FFFF31323334");
        assertThat(check.accept(get.clone())).isEqualTo(get);
        assertThat(check.accept(lls.clone())).isEqualTo(lls);
        assertThat(check.accept(noise.clone())).isEqualTo(noise);
    }

    @Test
    void aFrameSplitAcrossReadsIsHeldUntilItIsWholeThenChecked() {
        SecurityControlCheck check = new SecurityControlCheck(VendorProfile.Framing.WRAPPER, 0);
        byte[] frame = wrapper(generalGlo(0x31));
        int sc = 8 + 2 + 8 + 1;

        assertThat(check.accept(Arrays.copyOfRange(frame, 0, 5))).isEmpty();
        assertThat(check.accept(Arrays.copyOfRange(frame, 5, 20))).isEmpty();
        byte[] whole = check.accept(Arrays.copyOfRange(frame, 20, frame.length));

        assertThat(whole).hasSize(frame.length);
        assertThat(whole[sc]).isEqualTo((byte) 0x71);
        // and the next frame, arriving whole, is not disturbed by what was held
        byte[] next = wrapper(generalGlo(0x30));
        assertThat(check.accept(next.clone())).isEqualTo(next);
    }

    @Test
    void hdlcFrameGetsTheKeySetBitAndAValidFrameCheckSequence() {
        byte[] frame = hdlc(false, "E6E600" + gloGet(0x31));
        byte[] checked = new SecurityControlCheck(VendorProfile.Framing.HDLC, 0).accept(frame.clone());

        int sc = HEX.formatHex(frame).indexOf("C81A31") / 2 + 2;
        assertThat(checked[sc]).isEqualTo((byte) 0x71);
        assertThat(Arrays.copyOf(checked, sc)).isEqualTo(Arrays.copyOf(frame, sc)); // header and HCS unchanged
        assertThat(fcsResidue(checked)).isEqualTo(GOOD_FCS_RESIDUE);
        assertThat(fcsResidue(frame)).isEqualTo(GOOD_FCS_RESIDUE);
    }

    @Test
    void hdlcAarqWhoseScLiesInTheSecondSegmentIsCheckedThere() {
        String apdu = aarq(0x32);
        int cut = 40; // the first segment ends long before user-information
        byte[] first = hdlc(true, "E6E600" + apdu.substring(0, 2 * cut));
        byte[] second = hdlc(false, apdu.substring(2 * cut));
        SecurityControlCheck check = new SecurityControlCheck(VendorProfile.Framing.HDLC, 0);

        assertThat(check.accept(first.clone())).isEqualTo(first);
        byte[] checked = check.accept(second.clone());

        int sc = HEX.formatHex(second).indexOf("041C211A32") / 2 + 4;
        assertThat(checked[sc]).isEqualTo((byte) 0x72);
        assertThat(fcsResidue(checked)).isEqualTo(GOOD_FCS_RESIDUE);
        // the frame after the APDU is a new APDU again
        byte[] plain = hdlc(false, "E6E600C001C100080000010000FF0200");
        assertThat(check.accept(plain.clone())).isEqualTo(plain);
    }

    @Test
    void ciphersAreLocatedInEveryCipheredApduForm() {
        // ded-get-request (D0), ded-action (D3), glo-action (CB): tag, length, SC
        assertThat(SecurityControlCheck.securityControlAt(HEX.parseHex("D01A31"), 0, 3)).isEqualTo(2);
        assertThat(SecurityControlCheck.securityControlAt(HEX.parseHex("D3811A31"), 0, 4)).isEqualTo(3);
        assertThat(SecurityControlCheck.securityControlAt(HEX.parseHex("CB1A31"), 0, 3)).isEqualTo(2);
        // general-ded-ciphering (DC): system title first
        assertThat(SecurityControlCheck.securityControlAt(HEX.parseHex("DC08" + TITLE + "1A31"), 0, 12)).isEqualTo(11);
        // general-ciphering (DD): transaction-id, originator and recipient titles, date-time, other-information,
        // key-info absent (00), then the ciphered content
        byte[] general = HEX.parseHex("DD" + "0101" + "08" + TITLE + "00" + "00" + "00" + "00" + "1A31");
        assertThat(SecurityControlCheck.securityControlAt(general, 0, general.length)).isEqualTo(general.length - 1);
        // general-signing (DF) around a glo-get-request: the SC of the wrapped APDU
        byte[] signed = HEX.parseHex("DF" + "00" + "08" + TITLE + "00" + "00" + "00" + "1C" + "C81A31");
        assertThat(SecurityControlCheck.securityControlAt(signed, 0, signed.length)).isEqualTo(signed.length - 1);
        // RLRQ with a ciphered user-information
        byte[] rlrq = HEX.parseHex("6222800100BE1D041B211A31");
        assertThat(SecurityControlCheck.securityControlAt(rlrq, 0, rlrq.length)).isEqualTo(rlrq.length - 1);
        // not there yet, or none at all
        assertThat(SecurityControlCheck.securityControlAt(HEX.parseHex("DB08" + TITLE), 0, 10))
                .isEqualTo(SecurityControlCheck.MORE);
        assertThat(SecurityControlCheck.securityControlAt(HEX.parseHex("C001C1"), 0, 3))
                .isEqualTo(SecurityControlCheck.NONE);
    }

    // ---------------------------------------------------------------- frames, built here

    static String sc(int sc) {
        return String.format("%02X", sc);
    }

    static String len(int n) {
        return n < 0x80 ? String.format("%02X", n) : String.format("81%02X", n);
    }

    static byte[] wrapper(String apdu) {
        return HEX.parseHex("000100010001" + String.format("%04X", apdu.length() / 2) + apdu);
    }

    /** An I-frame from client 16 (address 0x21) to server 1 (0x03), N(S) = N(R) = 0, optionally segmented. */
    static byte[] hdlc(boolean segmented, String info) {
        int length = 2 + 1 + 1 + 1 + 2 + info.length() / 2 + 2; // format, addresses, control, HCS, info, FCS
        byte[] f = new byte[length + 2];
        f[0] = 0x7E;
        f[1] = (byte) (0xA0 | (segmented ? 0x08 : 0) | (length >> 8));
        f[2] = (byte) length;
        f[3] = 0x03;
        f[4] = 0x21;
        f[5] = 0x10;
        putCrc(f, 6, crc(f, 1, 5));
        byte[] i = HEX.parseHex(info);
        System.arraycopy(i, 0, f, 8, i.length);
        putCrc(f, f.length - 3, crc(f, 1, f.length - 4));
        f[f.length - 1] = 0x7E;
        return f;
    }

    /** CRC-16/X.25 over a complete frame including its FCS leaves this residue (ISO/IEC 13239). */
    static final int GOOD_FCS_RESIDUE = 0xF0B8;

    static int fcsResidue(byte[] f) {
        return ~crc(f, 1, f.length - 2) & 0xFFFF;
    }

    static int crc(byte[] data, int from, int count) {
        int crc = 0xFFFF;
        for (int i = from; i < from + count; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return ~crc & 0xFFFF;
    }

    static void putCrc(byte[] f, int at, int crc) {
        f[at] = (byte) crc;
        f[at + 1] = (byte) (crc >>> 8);
    }
}
