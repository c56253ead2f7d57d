package org.amihes.polling.rest;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.amihes.service.registry.MeterGroup;

/**
 * A request to read meters now: either {@code meterIds} or {@code "all": true}. {@code registers} defaults to
 * active energy import (1.0.1.8.0.255); the clock is always read with them.
 */
public record ReadRequest(
        @Size(min = 1, max = MeterGroup.MAX_IDS) List<@Pattern(regexp = MeterGroup.ID, message = MeterGroup.ID_MESSAGE) String> meterIds,
        Boolean all,
        @Size(min = 1, max = 16) List<@Pattern(regexp = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
                message = "is not an OBIS code (A.B.C.D.E.F)") String> registers) {
}
