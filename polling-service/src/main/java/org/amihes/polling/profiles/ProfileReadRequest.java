package org.amihes.polling.profiles;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.amihes.service.registry.MeterGroup;

/**
 * A request to read load profiles now: {@code meterIds} or {@code "all": true}; capture times [from, to); the profile
 * (OBIS code), when absent each meter's vendor's load profile ({@link ProfilesConfig#vendorProfile()}).
 */
public record ProfileReadRequest(
        @Size(min = 1, max = MeterGroup.MAX_IDS) List<@Pattern(regexp = MeterGroup.ID, message = MeterGroup.ID_MESSAGE) String> meterIds,
        Boolean all,
        @Pattern(regexp = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
                message = "is not an OBIS code (A.B.C.D.E.F)") String profile,
        @NotNull Instant from,
        @NotNull Instant to) {
}
