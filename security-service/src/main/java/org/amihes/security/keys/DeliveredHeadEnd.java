package org.amihes.security.keys;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The head-end section of a key delivery file: the system title meters expect from the head-end and its ECDSA key
 * pairs (X.509 public, PKCS#8 private, base64) for suites 1 and 2, each optional.
 */
public record DeliveredHeadEnd(
        @NotNull @Pattern(regexp = "[0-9A-Fa-f]{16}", message = "must be 16 hex digits (8 bytes)") String systemTitle,
        @Pattern(regexp = B64, message = B64_MESSAGE) String suite1SigningPublicKey,
        @Pattern(regexp = B64, message = B64_MESSAGE) String suite1SigningPrivateKey,
        @Pattern(regexp = B64, message = B64_MESSAGE) String suite2SigningPublicKey,
        @Pattern(regexp = B64, message = B64_MESSAGE) String suite2SigningPrivateKey) {

    static final String B64 = "[A-Za-z0-9+/=]{40,600}";
    static final String B64_MESSAGE = "must be a key in base64";

    /** Each suite's pair is complete, on the suite's curve and really a pair; messages name fields, never values. */
    public List<String[]> problems() {
        List<String[]> out = new ArrayList<>();
        check(1, suite1SigningPublicKey, suite1SigningPrivateKey, EcKeys.P256, out);
        check(2, suite2SigningPublicKey, suite2SigningPrivateKey, EcKeys.P384, out);
        return out;
    }

    private static void check(int suite, String pub, String priv, String curve, List<String[]> out) {
        String prefix = "suite" + suite + "Signing";
        if (pub == null && priv == null) {
            return;
        }
        if (pub == null || priv == null) {
            out.add(new String[] {prefix + (pub == null ? "PublicKey" : "PrivateKey"), "is required with its pair"});
            return;
        }
        String found = EcKeys.curveOf(pub);
        if (!curve.equals(found)) {
            out.add(new String[] {prefix + "PublicKey", found == null ? "is not an EC public key (X.509, base64)"
                    : "is on " + found + ", suite " + suite + " needs " + curve});
        } else if (!EcKeys.pair(Base64.getDecoder().decode(priv), Base64.getDecoder().decode(pub))) {
            out.add(new String[] {prefix + "PrivateKey", "is not the private key of " + prefix + "PublicKey"});
        }
    }

    List<HeadEndKey> toKeys() {
        List<HeadEndKey> out = new ArrayList<>();
        byte[] title = HexFormat.of().parseHex(systemTitle);
        if (suite1SigningPublicKey != null) {
            out.add(new HeadEndKey(1, 0, KeyState.ACTIVE, title, Base64.getDecoder().decode(suite1SigningPublicKey),
                    Base64.getDecoder().decode(suite1SigningPrivateKey)));
        }
        if (suite2SigningPublicKey != null) {
            out.add(new HeadEndKey(2, 0, KeyState.ACTIVE, title, Base64.getDecoder().decode(suite2SigningPublicKey),
                    Base64.getDecoder().decode(suite2SigningPrivateKey)));
        }
        return out;
    }

    @Override
    public String toString() {
        return "DeliveredHeadEnd[" + systemTitle + "]";
    }
}
