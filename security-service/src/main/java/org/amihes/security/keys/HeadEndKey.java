package org.amihes.security.keys;

import java.util.Arrays;

/**
 * The head-end's signing key pair for one suite and version.
 *
 * @param publicKey  X.509 encoded
 * @param privateKey PKCS#8 encoded: secret, in memory only between the HSM and its use
 */
public record HeadEndKey(int suite, int version, KeyState state, byte[] systemTitle, byte[] publicKey,
                         byte[] privateKey) {

    public static String context(int suite, int version) {
        return "amihes/head-end-key/" + suite + "/" + version;
    }

    public boolean sameAs(HeadEndKey other) {
        return suite == other.suite && Arrays.equals(systemTitle, other.systemTitle)
                && Arrays.equals(publicKey, other.publicKey) && Arrays.equals(privateKey, other.privateKey);
    }

    @Override
    public String toString() {
        return "HeadEndKey[suite " + suite + " v" + version + " " + state + "]";
    }
}
