package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Frames captured from Gurux 4.0.47's server (simulator, public association), corrected byte for byte. */
class RlreLengthsTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();

    @Test
    void wrapperRlreGetsItsBerLengthsRight() {
        byte[] gurux = HEX.parseHex("00010001001000176311800100BE0F040E0800065F1F0400621E5D04000007");
        // RLRE content: reason 80 01 00 (3) + user-information BE 10 (2 + 16) = 21 = 0x15
        assertThat(HEX.formatHex(RlreLengths.correct(gurux, VendorProfile.Framing.WRAPPER)))
                .isEqualTo("00010001001000176315800100BE10040E0800065F1F0400621E5D04000007");
    }

    @Test
    void hdlcRlreGetsItsLengthsAndFrameCheckSequenceRight() {
        byte[] gurux = HEX.parseHex("7EA023210352358DE6E7006311800100BE0F040E0800065F1F0400421E5D010000075A157E");
        byte[] fixed = RlreLengths.correct(gurux, VendorProfile.Framing.HDLC);
        String hex = HEX.formatHex(fixed);
        assertThat(hex).startsWith("7EA023210352358DE6E7006315800100BE10040E");
        // the FCS covers everything between the flags but itself: recomputing over the whole makes the residue 0xF0B8
        assertThat(SecurityControlCheckTest.fcsResidue(fixed)).isEqualTo(SecurityControlCheckTest.GOOD_FCS_RESIDUE);
    }

    @Test
    void anythingElseIsLeftAlone() {
        byte[] aare = HEX.parseHex("000100010010002B6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F0400621E5D04000007");
        assertThat(RlreLengths.correct(aare, VendorProfile.Framing.WRAPPER)).isEqualTo(aare);
    }
}
