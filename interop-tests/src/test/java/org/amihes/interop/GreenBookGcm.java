package org.amihes.interop;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM as the DLMS UA Green Book (IEC 62056-5-3 security) applies it to xDLMS APDUs, computed here with the
 * JDK's own JCE: a third, independent opinion on what the two stacks put on the wire.
 * <ul>
 * <li>IV = system title of the sender (8 bytes) | invocation counter (4 bytes)</li>
 * <li>authenticated and encrypted (SC 0x3_): AAD = SC | AK; ciphertext | 12-byte tag</li>
 * <li>authenticated only (SC 0x1_): AAD = SC | AK | APDU; the APDU travels in clear, then the 12-byte tag</li>
 * <li>encrypted only (SC 0x2_): no AAD, ciphertext only, no tag</li>
 * </ul>
 * The ciphered APDU is: tag, A-XDR length, SC, IC (4 bytes), then the body above.
 */
final class GreenBookGcm {

    static final int TAG_BYTES = 12;

    private GreenBookGcm() {
    }

    /** A ciphered xDLMS APDU taken apart: glo-/ded- tag, security control byte, invocation counter, body. */
    record Ciphered(int tag, int securityControl, long invocationCounter, byte[] body) {

        static Ciphered parse(byte[] apdu) {
            int tag = apdu[0] & 0xFF;
            int length = apdu[1] & 0xFF;
            int at = 2;
            if (length == 0x81) {
                length = apdu[2] & 0xFF;
                at = 3;
            } else if (length == 0x82) {
                length = ((apdu[2] & 0xFF) << 8) | (apdu[3] & 0xFF);
                at = 4;
            }
            if (at + length != apdu.length) {
                throw new IllegalArgumentException("ciphered APDU declares " + length + " bytes, carries "
                        + (apdu.length - at));
            }
            int sc = apdu[at] & 0xFF;
            long ic = ByteBuffer.wrap(apdu, at + 1, 4).getInt() & 0xFFFFFFFFL;
            return new Ciphered(tag, sc, ic, Arrays.copyOfRange(apdu, at + 5, apdu.length));
        }

        /** The security suite id (low nibble of the security control byte). */
        int suite() {
            return securityControl & 0x0F;
        }
    }

    static byte[] iv(byte[] systemTitle, long invocationCounter) {
        return ByteBuffer.allocate(12).put(systemTitle).putInt((int) invocationCounter).array();
    }

    /** Authenticated and encrypted: ciphertext | tag. */
    static byte[] encrypt(byte[] key, byte[] iv, int securityControl, byte[] authenticationKey, byte[] plaintext) {
        return gcm(Cipher.ENCRYPT_MODE, key, iv, concat(new byte[] {(byte) securityControl}, authenticationKey),
                plaintext);
    }

    /** Authenticated and encrypted: the plaintext, or an exception when the tag does not verify. */
    static byte[] decrypt(byte[] key, byte[] iv, int securityControl, byte[] authenticationKey, byte[] body)
            throws GeneralSecurityException {
        return gcmChecked(Cipher.DECRYPT_MODE, key, iv,
                concat(new byte[] {(byte) securityControl}, authenticationKey), body);
    }

    /** Authenticated only: the 12-byte tag over SC | AK | APDU. */
    static byte[] authenticationTag(byte[] key, byte[] iv, int securityControl, byte[] authenticationKey,
                                    byte[] apdu) {
        return gcm(Cipher.ENCRYPT_MODE, key, iv,
                concat(new byte[] {(byte) securityControl}, authenticationKey, apdu), new byte[0]);
    }

    /** Encrypted only: the ciphertext, as long as the plaintext (GCM's counter mode, no tag). */
    static byte[] encryptOnly(byte[] key, byte[] iv, byte[] plaintext) {
        byte[] withTag = gcm(Cipher.ENCRYPT_MODE, key, iv, new byte[0], plaintext);
        return Arrays.copyOf(withTag, plaintext.length);
    }

    /** Encrypted only, the other way: GCM's keystream is symmetric. */
    static byte[] decryptOnly(byte[] key, byte[] iv, byte[] ciphertext) {
        return encryptOnly(key, iv, ciphertext);
    }

    private static byte[] gcm(int mode, byte[] key, byte[] iv, byte[] aad, byte[] input) {
        try {
            return gcmChecked(mode, key, iv, aad, input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gcmChecked(int mode, byte[] key, byte[] iv, byte[] aad, byte[] input)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
        cipher.updateAAD(aad);
        return cipher.doFinal(input);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
