package org.amihes.polling.profiles;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * A request to read load profiles now: {@code meterIds} or {@code "all": true}; capture times [from, to); the profile
 * (OBIS code), when absent each meter's vendor's load profile ({@link ProfilesConfig#vendorProfile()}).
 */
public record ProfileReadRequest(
        @Size(min = 1, max = 200_000) List<@Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "is not a meter id") String> meterIds,
        Boolean all,
        @Pattern(regexp = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
                message = "is not an OBIS code (A.B.C.D.E.F)") String profile,
        @NotNull Instant from,
        @NotNull Instant to) {
}
