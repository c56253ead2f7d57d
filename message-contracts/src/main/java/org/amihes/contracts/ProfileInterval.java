package org.amihes.contracts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One row of a profile's buffer.
 *
 * @param capturedAt the capture time the meter recorded (the clock column; DLMS stamps the end of the interval)
 * @param status     the row's status/quality flags when the profile captures a status object (e.g. the AMR profile
 *                   status 0.0.96.10.1.255), null otherwise
 * @param raw        the value columns as the meter sent them, in {@link ProfileChannel#column()} order; a null where
 *                   the meter left the cell empty
 */
public record ProfileInterval(Instant capturedAt, Long status, List<BigDecimal> raw) {

    public ProfileInterval {
        ContractViolation.required("capturedAt", capturedAt);
        raw = raw == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(raw));
    }
}
