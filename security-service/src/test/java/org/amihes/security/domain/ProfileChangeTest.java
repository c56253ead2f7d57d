package org.amihes.security.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProfileChangeTest {

    private static final SecurityProfile STORED = new SecurityProfile("p", 0, Authentication.LOW,
            SecurityPolicy.NONE);
    private static final SecurityProfile OTHER = new SecurityProfile("p", 0, Authentication.HIGH_GMAC,
            SecurityPolicy.NONE);

    @Test
    void createIsIdempotentButNeverOverwrites() {
        assertThat(ProfileChange.onCreate(null, STORED)).isEqualTo(ProfileChange.CREATED);
        assertThat(ProfileChange.onCreate(STORED, STORED)).isEqualTo(ProfileChange.UNCHANGED);
        assertThat(ProfileChange.onCreate(STORED, OTHER)).isEqualTo(ProfileChange.CONFLICT);
    }

    @Test
    void putReplacesOnlyWhatDiffers() {
        assertThat(ProfileChange.onPut(null, STORED)).isEqualTo(ProfileChange.CREATED);
        assertThat(ProfileChange.onPut(STORED, STORED)).isEqualTo(ProfileChange.UNCHANGED);
        assertThat(ProfileChange.onPut(STORED, OTHER)).isEqualTo(ProfileChange.UPDATED);
    }
}
