package org.amihes.security.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** ECDSA keys of the DLMS security suites: P-256 for suite 1, P-384 for suite 2. */
final class EcKeys {

    static final String P256 = "P-256";
    static final String P384 = "P-384";

    private EcKeys() {
    }

    /** The curve of an X.509 EC public key in base64, null when it is not one. */
    static String curveOf(String base64) {
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            int bits = ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
            return bits == 256 ? P256 : bits == 384 ? P384 : "a " + bits + "-bit curve";
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
    }

    /** Whether the private key (PKCS#8) and the public key (X.509) are one pair: a probe signed by one verifies. */
    static boolean pair(byte[] privatePkcs8, byte[] publicX509) {
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            PrivateKey priv = ec.generatePrivate(new PKCS8EncodedKeySpec(privatePkcs8));
            PublicKey pub = ec.generatePublic(new X509EncodedKeySpec(publicX509));
            byte[] probe = "amihes key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance("SHA256withECDSA");
            sign.initSign(priv);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance("SHA256withECDSA");
            verify.initVerify(pub);
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
