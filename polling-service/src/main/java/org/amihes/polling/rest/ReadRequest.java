package org.amihes.polling.rest;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A request to read meters now: either {@code meterIds} or {@code "all": true}. {@code registers} defaults to
 * active energy import (1.0.1.8.0.255); the clock is always read with them.
 */
public record ReadRequest(
        @Size(min = 1, max = 200_000) List<@Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "is not a meter id") String> meterIds,
        Boolean all,
        @Size(min = 1, max = 16) List<@Pattern(regexp = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
                message = "is not an OBIS code (A.B.C.D.E.F)") String> registers) {
}
