package org.amihes.security.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.groups.Default;
import org.amihes.security.domain.Authentication;
import org.amihes.security.domain.SecurityPolicy;
import org.amihes.security.domain.SecurityProfile;

/**
 * Body of POST and PUT. The name is required on POST; on PUT the path names the profile and the body may repeat it.
 */
public record SecurityProfileRequest(
        @NotNull(groups = OnCreate.class) @Pattern(regexp = NAME) String name,
        @NotNull @Min(0) @Max(2) Integer securitySuite,
        @NotNull Authentication authentication,
        @NotNull SecurityPolicy securityPolicy,
        @Min(1) @Max(127) Integer clientAddress,
        @Pattern(regexp = OBIS, message = "must be a logical name a.b.c.d.e.f") String securitySetup,
        @Pattern(regexp = OBIS, message = "must be a logical name a.b.c.d.e.f") String frameCounter) {

    public static final String NAME = "[A-Za-z0-9._-]{1,64}";
    public static final String OBIS = "(\\d{1,3}\\.){5}\\d{1,3}";

    /** Validation group of POST: everything in Default plus the required name. */
    public interface OnCreate extends Default {
    }

    SecurityProfile toProfile(String profileName) {
        return new SecurityProfile(profileName, securitySuite, authentication, securityPolicy,
                clientAddress != null ? clientAddress : SecurityProfile.defaultClient(authentication), securitySetup,
                frameCounter);
    }
}
