package org.amihes.dlms;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

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
        return s.sign();
    }

    static boolean verify(int suite, PublicKey key, byte[] signerTitle, byte[] otherTitle, byte[] first, byte[] second,
                          byte[] raw) throws GeneralSecurityException {
        if (raw == null || raw.length != 2 * size(suite)) {
            return false;
        }
        Signature s = Signature.getInstance(algorithm(suite));
        s.initVerify(key);
        s.update(concat(signerTitle, otherTitle, first, second));
        return s.verify(raw);
    }

    /** P1363 format: the signature is r | s, each left-padded to the curve size, as DLMS carries it. */
    private static String algorithm(int suite) {
        return switch (suite) {
            case 1 -> "SHA256withECDSAinP1363Format";
            case 2 -> "SHA384withECDSAinP1363Format";
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
}
