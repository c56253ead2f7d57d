package org.amihes.security.rest;

import java.time.Instant;
import org.amihes.security.domain.Authentication;
import org.amihes.security.domain.SecurityPolicy;
import org.amihes.security.domain.VersionedProfile;

public record SecurityProfileResponse(String name, int securitySuite, Authentication authentication,
        SecurityPolicy securityPolicy, int clientAddress, String securitySetup, String frameCounter, int version,
        Instant updatedAt) {

    static SecurityProfileResponse of(VersionedProfile stored) {
        return new SecurityProfileResponse(stored.profile().name(), stored.profile().securitySuite(),
                stored.profile().authentication(), stored.profile().securityPolicy(), stored.profile().clientAddress(),
                stored.profile().securitySetup(), stored.profile().frameCounter(), stored.version(),
                stored.updatedAt());
    }
}
