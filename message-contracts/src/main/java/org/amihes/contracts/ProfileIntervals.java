package org.amihes.contracts;

import java.util.List;

/**
 * The outcome of {@link ReadProfile}: what the meter declared about the profile and the rows it returned.
 *
 * @param profile              the profile's OBIS code
 * @param capturePeriodSeconds attribute 4 as the meter declares it (0: captured on events, not periodically)
 * @param channels             the value columns, with scaler and unit
 * @param intervals            the rows, oldest first
 */
public record ProfileIntervals(String profile, long capturePeriodSeconds, List<ProfileChannel> channels,
                               List<ProfileInterval> intervals) implements CommandOutcome {

    public ProfileIntervals {
        ContractViolation.required("profile", profile);
        if (capturePeriodSeconds < 0) {
            throw new ContractViolation("capturePeriodSeconds", "must not be negative");
        }
        channels = channels == null ? List.of() : List.copyOf(channels);
        intervals = intervals == null ? List.of() : List.copyOf(intervals);
        for (int i = 0; i < intervals.size(); i++) {
            if (intervals.get(i) == null) {
                throw new ContractViolation("intervals[" + i + "]", "null");
            }
            if (intervals.get(i).raw().size() != channels.size()) {
                throw new ContractViolation("intervals[" + i + "].raw", intervals.get(i).raw().size() + " values for "
                        + channels.size() + " channels");
            }
        }
    }
}
