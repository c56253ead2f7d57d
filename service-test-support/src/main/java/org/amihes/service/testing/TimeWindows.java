package org.amihes.service.testing;

import java.util.List;

/** Counting events in time, for tests that bound a rate where it is observed (the simulator's accepts, say). */
public final class TimeWindows {

    private TimeWindows() {
    }

    /** The most of the times {@code at} (sorted, nanoseconds) within any window of {@code nanos}. */
    public static int mostWithin(List<Long> at, long nanos) {
        int most = 0;
        for (int i = 0, j = 0; i < at.size(); i++) {
            while (j < at.size() && at.get(j) < at.get(i) + nanos) {
                j++;
            }
            most = Math.max(most, j - i);
        }
        return most;
    }
}
