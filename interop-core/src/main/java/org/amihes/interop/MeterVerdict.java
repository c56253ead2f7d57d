package org.amihes.interop;

import java.time.Instant;
import java.util.List;
import org.amihes.dlms.capture.WireStats;

/**
 * A meter's results over the plan, in plan order.
 *
 * @param wire what the meter's links carried during the plan: bytes on the wire against APDU bytes; null when not
 *             counted (a verdict stored before the counters existed, or a probe that could not run)
 */
public record MeterVerdict(String meterId, String vendor, Instant startedAt, long durationMs, List<CaseResult> results,
                           WireStats wire) {

    public MeterVerdict {
        results = List.copyOf(results);
    }

    public MeterVerdict(String meterId, String vendor, Instant startedAt, long durationMs, List<CaseResult> results) {
        this(meterId, vendor, startedAt, durationMs, results, null);
    }

    public MeterVerdict withWire(WireStats stats) {
        return new MeterVerdict(meterId, vendor, startedAt, durationMs, results, stats);
    }

    public long count(Verdict verdict) {
        return results.stream().filter(r -> r.verdict() == verdict).count();
    }

    /** PASS when no case failed (SKIPPED cases are listed, never counted as passes). */
    public Verdict overall() {
        return count(Verdict.FAIL) > 0 ? Verdict.FAIL : count(Verdict.PASS) > 0 ? Verdict.PASS : Verdict.SKIPPED;
    }
}
