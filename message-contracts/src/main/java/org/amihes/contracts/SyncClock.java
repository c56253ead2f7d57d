package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Clock synchronisation (clock, class 8, 0.0.1.0.0.255): the handler reads the meter's time and sets it to the
 * head-end's only when the drift exceeds {@code maxDriftSeconds}; the drift is reported either way.
 *
 * @param maxDriftSeconds drift tolerated without a write, 1 to 86,400; null for 10 s
 */
public record SyncClock(Integer maxDriftSeconds) implements MeterCommand {

    public static final String TYPE = "clock-sync";
    public static final int DEFAULT_MAX_DRIFT_SECONDS = 10;

    public SyncClock {
        if (maxDriftSeconds == null) {
            maxDriftSeconds = DEFAULT_MAX_DRIFT_SECONDS;
        }
        if (maxDriftSeconds < 1 || maxDriftSeconds > 86_400) {
            throw new ContractViolation("maxDriftSeconds", "must be 1 to 86400, not " + maxDriftSeconds);
        }
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
