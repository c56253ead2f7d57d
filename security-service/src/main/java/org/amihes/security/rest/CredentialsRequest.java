package org.amihes.security.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of a batch of credential lookups: meters, each under the security profile its registry entry names. */
public record CredentialsRequest(@NotNull @Size(min = 1, max = MAX) List<@NotNull @Valid Meter> meters) {

    public static final int MAX = 1000;

    public record Meter(@NotNull @Pattern(regexp = InvocationCounterResource.ID) String meterId,
                        @NotNull @Pattern(regexp = SecurityProfileRequest.NAME) String profile) {
    }
}
