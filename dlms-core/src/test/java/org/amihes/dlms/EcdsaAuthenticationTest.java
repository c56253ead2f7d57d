package org.amihes.dlms;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EcdsaAuthenticationTest {

    static final byte[] CLIENT = "CLI00001".getBytes();
    static final byte[] SERVER = "SRV00001".getBytes();
    static final byte[] STOC = HexFormat.of().parseHex("0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20");
    static final byte[] CTOS = HexFormat.of().parseHex("A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0");

    @ParameterizedTest
    @CsvSource({"1, secp256r1, 64", "2, secp384r1, 96"})
    void signaturesVerifyAndHaveTheSuiteSize(int suite, String curve, int rawLength) throws Exception {
        KeyPair client = keys(curve);
        // Many rounds: about one signature in 128 has an r or s shorter than the curve size and must be padded.
        for (int i = 0; i < 300; i++) {
            byte[] f = EcdsaAuthentication.sign(suite, client.getPrivate(), CLIENT, SERVER, STOC, CTOS);
            assertThat(f).hasSize(rawLength);
            assertThat(EcdsaAuthentication.verify(suite, client.getPublic(), CLIENT, SERVER, STOC, CTOS, f)).isTrue();
        }
    }

    @Test
    void aSignatureOverOtherChallengesOrByAnotherKeyFails() throws Exception {
        KeyPair client = keys("secp256r1");
        byte[] f = EcdsaAuthentication.sign(1, client.getPrivate(), CLIENT, SERVER, STOC, CTOS);
        assertThat(EcdsaAuthentication.verify(1, client.getPublic(), CLIENT, SERVER, CTOS, STOC, f)).isFalse();
        assertThat(EcdsaAuthentication.verify(1, keys("secp256r1").getPublic(), CLIENT, SERVER, STOC, CTOS, f)).isFalse();
        assertThat(EcdsaAuthentication.verify(1, client.getPublic(), CLIENT, SERVER, STOC, CTOS, new byte[10])).isFalse();
    }

    static KeyPair keys(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }
}
