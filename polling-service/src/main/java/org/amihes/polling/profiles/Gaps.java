package org.amihes.polling.profiles;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which capture times are missing: a profile with capture period {@code p} captures at every multiple of {@code p}
 * since the epoch (a period divides the day, so captures fall on the same boundaries every day); the expected
 * capture times of [from, to) minus those stored, joined into ranges. Pure logic.
 */
public final class Gaps {

    /**
     * Missing capture times {@code from}, {@code from + p}, ..., up to but excluding {@code to}.
     *
     * @param missing how many captures the range lacks
     */
    public record Gap(Instant from, Instant to, long missing) {
    }

    private Gaps() {
    }

    /** How many captures [from, to) holds at period {@code periodSeconds}. */
    public static long expected(Instant from, Instant to, long periodSeconds) {
        long first = ceil(from.getEpochSecond(), periodSeconds);
        long end = ceil(to.getEpochSecond(), periodSeconds);
        return Math.max(0, (end - first) / periodSeconds);
    }

    /** The missing ranges of [from, to), oldest first. */
    public static List<Gap> find(Instant from, Instant to, long periodSeconds, Collection<Instant> stored) {
        if (periodSeconds <= 0) {
            throw new IllegalArgumentException("capture period must be positive, got " + periodSeconds);
        }
        Set<Long> have = new java.util.HashSet<>();
        stored.forEach(t -> have.add(t.getEpochSecond()));
        List<Gap> gaps = new ArrayList<>();
        long start = -1;
        long count = 0;
        long end = ceil(to.getEpochSecond(), periodSeconds);
        for (long t = ceil(from.getEpochSecond(), periodSeconds); t < end; t += periodSeconds) {
            if (have.contains(t)) {
                if (count > 0) {
                    gaps.add(new Gap(Instant.ofEpochSecond(start), Instant.ofEpochSecond(t), count));
                    count = 0;
                }
            } else {
                if (count == 0) {
                    start = t;
                }
                count++;
            }
        }
        if (count > 0) {
            gaps.add(new Gap(Instant.ofEpochSecond(start), Instant.ofEpochSecond(start + count * periodSeconds), count));
        }
        return gaps;
    }

    private static long ceil(long seconds, long period) {
        return Math.floorDiv(seconds + period - 1, period) * period;
    }
}
