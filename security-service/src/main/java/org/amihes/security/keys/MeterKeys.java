package org.amihes.security.keys;

import java.util.Arrays;
import org.amihes.security.domain.Authentication;
import org.amihes.security.domain.SecurityPolicy;

/**
 * One key version of one meter: what is not secret in the clear, the secrets in {@link SecretKeys}.
 *
 * @param authentication   mechanism the key delivery declared for the meter's management association
 * @param signingPublicKey the meter's ECDSA public key (X.509 encoded), null below suite 1
 */
public record MeterKeys(String meterId, int version, KeyState state, byte[] systemTitle, Authentication authentication,
                        int securitySuite, SecurityPolicy securityPolicy, byte[] signingPublicKey, SecretKeys secrets) {

    /** What the HSM binds to the wrapped secrets: they decrypt for this meter and version only. */
    public static String context(String meterId, int version) {
        return "amihes/meter-key/" + meterId + "/" + version;
    }

    /** The same delivery: equal metadata and secrets (a re-import of it changes nothing). */
    public boolean sameDelivery(MeterKeys other) {
        return Arrays.equals(systemTitle, other.systemTitle) && authentication == other.authentication
                && securitySuite == other.securitySuite && securityPolicy == other.securityPolicy
                && Arrays.equals(signingPublicKey, other.signingPublicKey) && secrets.sameAs(other.secrets);
    }

    @Override
    public String toString() {
        return "MeterKeys[" + meterId + " v" + version + " " + state + ", " + authentication + " suite " + securitySuite
                + " " + securityPolicy + "]";
    }
}
