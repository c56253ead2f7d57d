package org.amihes.security.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProfileConsistencyTest {

    @Test
    void ecdsaNeedsAPublicKeySuite() {
        assertThat(ProfileConsistency.violation(profile(0, Authentication.HIGH_ECDSA, SecurityPolicy.NONE)))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("DLMS-004: Security Suite Mismatch")
                        .contains("HIGH_ECDSA").contains("'p'"));
        assertThat(ProfileConsistency.violation(profile(1, Authentication.HIGH_ECDSA, SecurityPolicy.NONE))).isEmpty();
        assertThat(ProfileConsistency.violation(profile(2, Authentication.HIGH_ECDSA, SecurityPolicy.NONE))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Authentication.class, names = "HIGH_ECDSA", mode = EnumSource.Mode.EXCLUDE)
    void everyOtherMechanismWorksOnEverySuite(Authentication authentication) {
        for (int suite = 0; suite <= 2; suite++) {
            assertThat(ProfileConsistency.violation(profile(suite, authentication, SecurityPolicy.NONE))).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(SecurityPolicy.class)
    void weakAuthenticationMayStillProtectApdus(SecurityPolicy policy) {
        assertThat(ProfileConsistency.violation(profile(0, Authentication.NONE, policy))).isEmpty();
        assertThat(ProfileConsistency.violation(profile(0, Authentication.LOW, policy))).isEmpty();
    }

    private static SecurityProfile profile(int suite, Authentication authentication, SecurityPolicy policy) {
        return new SecurityProfile("p", suite, authentication, policy);
    }
}
