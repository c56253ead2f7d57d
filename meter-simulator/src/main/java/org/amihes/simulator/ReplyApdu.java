package org.amihes.simulator;

import gurux.dlms.secure.GXCiphering;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One answer frame Gurux built, opened down to its xDLMS APDU, so that the simulator can put another APDU in its
 * place with the same framing (wrapper header, or the HDLC addresses and control byte, hence Gurux's sequence
 * numbers) and a protection as Gurux applied it (ciphered APDU tag, system title, security control byte, invocation
 * counter). Protection as the Green Book applies AES-GCM: IV = system title | invocation counter; authenticated and
 * encrypted: ciphertext | 12-byte tag over AAD = SC | AK; authenticated only: the APDU in clear | tag over
 * SC | AK | APDU; encrypted only: ciphertext, no tag. Only answers that fit one frame are opened (not an HDLC frame
 * with the segmentation bit); an answer without an APDU (an empty wrapper frame, an HDLC I-frame without
 * information field) opens with an empty plaintext.
 *
 * @param plaintext the xDLMS APDU inside, deciphered; empty when there is none
 * @param protection how Gurux ciphered it, null when it is plain or empty
 */
record ReplyApdu(byte[] frame, VendorProfile.Framing framing, Protection protection, byte[] plaintext) {

    private static final int WRAPPER_HEADER = 8;
    private static final int TAG_BYTES = 12;
    private static final int AUTHENTICATED = 0x10;
    private static final int ENCRYPTED = 0x20;
    /** LLC of an HDLC frame from the meter (IEC 62056-46): destination and source LSAP, quality */
    private static final byte[] LLC_RESPONSE = {(byte) 0xE6, (byte) 0xE7, 0};

    /**
     * How Gurux ciphered an answer.
     *
     * @param tag   glo-get-response CC, ded-get-response D4, general-glo-ciphering DB or general-ded-ciphering DC
     * @param title the system title of general-glo/ded-ciphering, null for the service-specific forms
     */
    record Protection(int tag, byte[] title, int securityControl, byte[] invocationCounter, byte[] key,
                      byte[] authenticationKey, byte[] ivTitle) {

        /** The same protection under another invocation counter, for an APDU Gurux did not cipher itself. */
        Protection withInvocationCounter(long ic) {
            return new Protection(tag, title, securityControl,
                    new byte[] {(byte) (ic >> 24), (byte) (ic >> 16), (byte) (ic >> 8), (byte) ic}, key,
                    authenticationKey, ivTitle);
        }

        /** Bytes the protection adds to an APDU at most: tag, title, length (3), SC, IC and tag. */
        int overhead() {
            return 1 + (title == null ? 0 : 1 + title.length) + 3 + 1 + 4 + TAG_BYTES;
        }
    }

    /** The APDU in {@code frame}, or null when there is none to replace (see the class comment). */
    static ReplyApdu open(byte[] frame, VendorProfile.Framing framing, GXCiphering ciphering)
            throws GeneralSecurityException {
        int start;
        int end;
        if (framing == VendorProfile.Framing.WRAPPER) {
            start = WRAPPER_HEADER;
            end = frame.length;
        } else {
            int control = Frames.hdlcControl(frame);
            if (control < 0 || (frame[control] & 1) != 0 || (frame[1] & 0x08) != 0) {
                return null; // not an I-frame (receive-ready, UA, ...), or a segment of a longer APDU
            }
            end = frame.length - 3; // FCS, flag
            start = control + 1 == end ? end : Frames.apduOffset(frame, framing);
        }
        if (start < 0 || start > end) {
            return null;
        }
        if (start == end) {
            return new ReplyApdu(frame, framing, null, new byte[0]);
        }
        int tag = frame[start] & 0xFF;
        if (tag != 0xCC && tag != 0xD4 && tag != 0xDB && tag != 0xDC) {
            return new ReplyApdu(frame, framing, null, Arrays.copyOfRange(frame, start, end));
        }
        int p = start + 1;
        byte[] title = null;
        if (tag == 0xDB || tag == 0xDC) {
            int titleLength = frame[p++] & 0xFF;
            title = Arrays.copyOfRange(frame, p, p + titleLength);
            p += titleLength;
        }
        int first = frame[p++] & 0xFF; // A-XDR length of the ciphered content
        p += first < 0x80 ? 0 : first & 0x7F;
        int sc = frame[p++] & 0xFF;
        byte[] ic = Arrays.copyOfRange(frame, p, p + 4);
        p += 4;
        boolean dedicated = tag == 0xD4 || tag == 0xDC;
        Protection protection = new Protection(tag, title, sc, ic,
                dedicated ? ciphering.getDedicatedKey() : ciphering.getBlockCipherKey(),
                ciphering.getAuthenticationKey(), title != null ? title : ciphering.getSystemTitle());
        return new ReplyApdu(frame, framing, protection,
                unseal(protection, Arrays.copyOfRange(frame, p, end)));
    }

    /** This frame with {@code apdu} in place of the one inside, protected as Gurux protected its own APDU. */
    byte[] with(byte[] apdu) throws GeneralSecurityException {
        return with(apdu, protection);
    }

    /** This frame with {@code apdu} in place of the one inside (or of none), under {@code by} (null: plain). */
    byte[] with(byte[] apdu, Protection by) throws GeneralSecurityException {
        byte[] content = by == null ? apdu : seal(by, apdu);
        if (framing == VendorProfile.Framing.WRAPPER) {
            byte[] out = Arrays.copyOf(frame, WRAPPER_HEADER + content.length);
            System.arraycopy(content, 0, out, WRAPPER_HEADER, content.length);
            out[6] = (byte) (content.length >> 8);
            out[7] = (byte) content.length;
            return out;
        }
        // HDLC: flag, format, addresses and control as Gurux sent them, then HCS, LLC, APDU, FCS, flag
        int control = Frames.hdlcControl(frame);
        byte[] out = new byte[control + 1 + 2 + LLC_RESPONSE.length + content.length + 3];
        System.arraycopy(frame, 0, out, 0, control + 1);
        System.arraycopy(LLC_RESPONSE, 0, out, control + 3, LLC_RESPONSE.length);
        System.arraycopy(content, 0, out, control + 3 + LLC_RESPONSE.length, content.length);
        int length = out.length - 2; // the format's 11-bit length excludes both flags
        out[1] = (byte) (0xA0 | (length >> 8) & 0x07);
        out[2] = (byte) length;
        out[out.length - 1] = 0x7E;
        return Frames.withChecks(out);
    }

    private static byte[] unseal(Protection p, byte[] body) throws GeneralSecurityException {
        byte[] iv = iv(p);
        if ((p.securityControl() & ENCRYPTED) == 0) {
            byte[] apdu = Arrays.copyOf(body, body.length - TAG_BYTES);
            byte[] tag = gcm(Cipher.ENCRYPT_MODE, p.key(), iv, aad(p, apdu), new byte[0]);
            if (!java.security.MessageDigest.isEqual(Arrays.copyOf(tag, TAG_BYTES),
                    Arrays.copyOfRange(body, body.length - TAG_BYTES, body.length))) {
                throw new java.security.SignatureException("authentication tag of Gurux's answer does not verify");
            }
            return apdu;
        }
        if ((p.securityControl() & AUTHENTICATED) == 0) {
            // GCM without its tag is a counter mode: enciphering the ciphertext again yields the plaintext
            byte[] keyStreamed = gcm(Cipher.ENCRYPT_MODE, p.key(), iv, new byte[0], body);
            return Arrays.copyOf(keyStreamed, body.length);
        }
        return gcm(Cipher.DECRYPT_MODE, p.key(), iv, aad(p, new byte[0]), body);
    }

    private static byte[] seal(Protection p, byte[] apdu) throws GeneralSecurityException {
        byte[] iv = iv(p);
        byte[] body;
        if ((p.securityControl() & ENCRYPTED) == 0) {
            byte[] tag = gcm(Cipher.ENCRYPT_MODE, p.key(), iv, aad(p, apdu), new byte[0]);
            body = concat(apdu, Arrays.copyOf(tag, TAG_BYTES));
        } else if ((p.securityControl() & AUTHENTICATED) == 0) {
            body = Arrays.copyOf(gcm(Cipher.ENCRYPT_MODE, p.key(), iv, new byte[0], apdu), apdu.length);
        } else {
            body = gcm(Cipher.ENCRYPT_MODE, p.key(), iv, aad(p, new byte[0]), apdu);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(p.tag());
        if (p.title() != null) {
            out.write(p.title().length);
            out.writeBytes(p.title());
        }
        writeLength(out, 1 + 4 + body.length);
        out.write(p.securityControl());
        out.writeBytes(p.invocationCounter());
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** A-XDR length: one byte below 128, else 0x81 or 0x82 and the length. */
    static void writeLength(ByteArrayOutputStream out, int length) {
        if (length >= 0x100) {
            out.write(0x82);
            out.write(length >> 8);
        } else if (length >= 0x80) {
            out.write(0x81);
        }
        out.write(length);
    }

    private static byte[] iv(Protection p) {
        return concat(p.ivTitle(), p.invocationCounter());
    }

    private static byte[] aad(Protection p, byte[] clear) {
        return concat(concat(new byte[] {(byte) p.securityControl()}, p.authenticationKey()), clear);
    }

    private static byte[] gcm(int mode, byte[] key, byte[] iv, byte[] aad, byte[] input)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
        c.updateAAD(aad);
        return c.doFinal(input);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
