package org.amihes.security.domain;

import java.util.Optional;

/**
 * Combinations a meter would refuse at association time, caught when the profile is written instead.
 * Any suite can authenticate or encrypt APDUs; only ECDSA signatures need the public-key suites 1 and 2.
 * NONE/LOW authentication with a protected policy is allowed: the keys then still protect the APDUs.
 */
public final class ProfileConsistency {

    public static final String SUITE_MISMATCH = "DLMS-004: Security Suite Mismatch";

    private ProfileConsistency() {
    }

    /** @return why the profile cannot work, or empty when it is consistent */
    public static Optional<String> violation(SecurityProfile profile) {
        if (profile.authentication() == Authentication.HIGH_ECDSA && profile.securitySuite() == 0) {
            return Optional.of(SUITE_MISMATCH + ": authentication HIGH_ECDSA needs security suite 1 or 2, profile '"
                    + profile.name() + "' uses suite 0");
        }
        return Optional.empty();
    }
}
