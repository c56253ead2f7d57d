package org.amihes.dlms;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;

/**
 * HLS-ECDSA (authentication mechanism 7) passes 3 and 4 with the JCE. Gurux 4.0.47 hashes with SHA-256 whatever
 * the suite (so suite 2, P-384, fails), does not pad short r/s values (about 1% of handshakes fail), and prints
 * the private signing key to stdout; this class avoids all three.
 *
 * <p>Client's f(StoC): signature over SystemTitle-C | SystemTitle-S | StoC | CtoS.
 * Server's f(CtoS): signature over SystemTitle-S | SystemTitle-C | CtoS | StoC. Signatures travel as r | s, each
 * left-padded to the curve size (32 bytes for suite 1, 48 for suite 2).
 */
final class EcdsaAuthentication {

    private EcdsaAuthentication() {
    }

    static byte[] sign(int suite, PrivateKey key, byte[] ownTitle, byte[] peerTitle, byte[] first, byte[] second)
            throws GeneralSecurityException {
        Signature s = Signature.getInstance(algorithm(suite));
        s.initSign(key);
        s.update(concat(ownTitle, peerTitle, first, second));
        return derToRaw(s.sign(), size(suite));
    }

    static boolean verify(int suite, PublicKey key, byte[] signerTitle, byte[] otherTitle, byte[] first, byte[] second,
                          byte[] raw) throws GeneralSecurityException {
        if (raw == null || raw.length != 2 * size(suite)) {
            return false;
        }
        Signature s = Signature.getInstance(algorithm(suite));
        s.initVerify(key);
        s.update(concat(signerTitle, otherTitle, first, second));
        return s.verify(rawToDer(raw));
    }

    private static String algorithm(int suite) {
        return switch (suite) {
            case 1 -> "SHA256withECDSA";
            case 2 -> "SHA384withECDSA";
            default -> throw new IllegalArgumentException("HLS-ECDSA needs security suite 1 or 2, not " + suite);
        };
    }

    private static int size(int suite) {
        return suite == 2 ? 48 : 32;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** DER SEQUENCE { INTEGER r, INTEGER s } to fixed-size r | s. */
    static byte[] derToRaw(byte[] der, int size) {
        int pos = 2;
        if ((der[1] & 0x80) != 0) {
            pos += der[1] & 0x7F; // long-form sequence length
        }
        byte[] raw = new byte[2 * size];
        for (int i = 0; i < 2; i++) {
            int len = der[pos + 1] & 0xFF;
            byte[] value = Arrays.copyOfRange(der, pos + 2, pos + 2 + len);
            byte[] unsigned = new BigInteger(1, value).toByteArray();
            int start = unsigned.length > size ? unsigned.length - size : 0; // drop the sign byte
            int n = unsigned.length - start;
            System.arraycopy(unsigned, start, raw, i * size + size - n, n);
            pos += 2 + len;
        }
        return raw;
    }

    /** Fixed-size r | s to DER SEQUENCE { INTEGER r, INTEGER s }. */
    static byte[] rawToDer(byte[] raw) {
        int size = raw.length / 2;
        byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, size)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, size, raw.length)).toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] v : new byte[][] {r, s}) {
            body.write(0x02);
            body.write(v.length);
            body.writeBytes(v);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        if (body.size() > 127) {
            out.write(0x81);
        }
        out.write(body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
