package org.amihes.dlms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import gurux.dlms.enums.InterfaceType;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The frame and header reader behind the context-name, dedicated-key and replay checks, on bytes typed from the specs. */
class ApdusTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();

    /**
     * HDLC I-frame from the meter (IEC 62056-46): flag, format A0 + length 0x14, client address 0x21, server
     * address 02 23, control 0x30 (I-frame), HCS, LLC E6 E7 00, then a glo-get-response (CC) security header:
     * length 5, SC 0x30, invocation counter 0x00000102; FCS, flag. The checksums are not the parser's business.
     */
    static final String HDLC_GLO_GET_RESPONSE = "7EA0142102233000" + "00" + "E6E700" + "CC0530" + "00000102" + "0000" + "7E";

    @Test
    void hdlcInformationFrameStartsItsApduAfterTheLlc() {
        byte[] frame = HEX.parseHex(HDLC_GLO_GET_RESPONSE);
        assertThat(Apdus.frameLength(frame, 0, frame.length, InterfaceType.HDLC)).isEqualTo(frame.length);
        int start = Apdus.apduStart(frame, 0, frame.length, InterfaceType.HDLC, true);
        assertThat(start).isEqualTo(12);
        assertThat(Apdus.cipherHeader(frame, start, frame.length - 3))
                .isEqualTo(new Apdus.CipherHeader(0xCC, false, 0x30, 0x102));
        // the client's LLC is E6 E6 00: the same frame read as ours starts no APDU
        assertThat(Apdus.apduStart(frame, 0, frame.length, InterfaceType.HDLC, false)).isEqualTo(-1);
        // one byte short is incomplete
        assertThat(Apdus.frameLength(frame, 0, frame.length - 1, InterfaceType.HDLC)).isEqualTo(-1);
    }

    @Test
    void hdlcFramesWithoutAnApduStartNone() {
        // RR (control 0x31: bit 0 set, a supervisory frame) and a second segment (I-frame without the LLC)
        byte[] rr = HEX.parseHex("7EA00821022331" + "0000" + "7E");
        byte[] segment = HEX.parseHex("7EA0122102233200" + "00" + "0102030405060708" + "0000" + "7E");
        assertThat(Apdus.apduStart(rr, 0, rr.length, InterfaceType.HDLC, true)).isEqualTo(-1);
        assertThat(Apdus.apduStart(segment, 0, segment.length, InterfaceType.HDLC, true)).isEqualTo(-1);
    }

    @Test
    void wrapperGeneralDedCipheringIsDedicatedWithTheSendersTitle() {
        // wrapper v1, 0001 -> 0010, length 0x10; DC, title length 8 "AUR\0\0\0\0\1", content length 5, SC 0x30, IC 7
        byte[] frame = HEX.parseHex("0001000100100010" + "DC08" + "4155520000000001" + "0530" + "00000007");
        int start = Apdus.apduStart(frame, 0, Apdus.frameLength(frame, 0, frame.length, InterfaceType.WRAPPER),
                InterfaceType.WRAPPER, true);
        assertThat(start).isEqualTo(8);
        assertThat(Apdus.cipherHeader(frame, start, frame.length)).isEqualTo(new Apdus.CipherHeader(0xDC, true, 0x30, 7));
        assertThat(Apdus.apduTag(frame, InterfaceType.WRAPPER, true)).isEqualTo(0xDC);
    }

    @Test
    void aareFieldsAndTheCipheredInitiateResponseInside() {
        // AARE: context LN with ciphering, result accepted, user-information 04 08 holding glo-initiateResponse
        // (28) with length 6, SC 0x30, IC 0x2A and one byte of ciphertext
        byte[] aare = HEX.parseHex("611C" + "A109060760857405080103" + "A203020100" + "BE0A0408" + "2806" + "30"
                + "0000002A" + "55");
        Apdus.Acse acse = Apdus.acse(aare, 0, aare.length);
        assertThat(acse.tag()).isEqualTo(Apdus.AARE);
        assertThat(acse.contextName()).isEqualTo(3);
        assertThat(acse.result()).isZero();
        assertThat(Apdus.cipherHeader(aare, acse.userInformationStart(), acse.userInformationEnd()))
                .isEqualTo(new Apdus.CipherHeader(0x28, false, 0x30, 0x2A));
        assertThat(Apdus.describeContextName(3)).isEqualTo("2.16.756.5.8.1.3 (LN referencing with ciphering)");
    }

    @Test
    void keyFamilyOfTags() {
        assertThat(Apdus.dedicated(0xD3)).isTrue();  // ded-actionRequest
        assertThat(Apdus.dedicated(0xDC)).isTrue();  // general-ded-ciphering
        assertThat(Apdus.dedicated(0xCB)).isFalse(); // glo-actionRequest
        assertThat(Apdus.dedicated(0xDB)).isFalse(); // general-glo-ciphering
        assertThat(Apdus.dedicated(0xC4)).isNull();  // get-response, in clear
        assertThat(Apdus.dedicated(0xD8)).isNull();  // exception-response
        assertThat(Apdus.dedicated(0xE0)).isNull();  // general-block-transfer
    }

    @Test
    void arbitraryBytesNeverThrow() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 5_000; round++) {
            byte[] b = new byte[random.nextInt(64)];
            random.nextBytes(b);
            if (b.length > 2 && random.nextBoolean()) {
                b[0] = (byte) 0x7E;
                b[1] = (byte) 0xA0;
            }
            int at = b.length == 0 ? 0 : random.nextInt(b.length);
            assertThatCode(() -> {
                for (InterfaceType framing : new InterfaceType[] {InterfaceType.HDLC, InterfaceType.WRAPPER}) {
                    int length = Apdus.frameLength(b, 0, b.length, framing);
                    if (length > 0) {
                        Apdus.apduStart(b, 0, length, framing, true);
                        Apdus.apduStart(b, 0, length, framing, false);
                    }
                    Apdus.apduTag(b, framing, true);
                }
                Apdus.acse(b, at, b.length);
                Apdus.cipherHeader(b, at, b.length);
            }).as("round %d: %s", round, HEX.formatHex(b)).doesNotThrowAnyException();
        }
    }
}
