package org.amihes.interop;

import java.time.Instant;
import java.util.List;

/** A meter's results over the plan, in plan order. */
public record MeterVerdict(String meterId, String vendor, Instant startedAt, long durationMs, List<CaseResult> results) {

    public MeterVerdict {
        results = List.copyOf(results);
    }

    public long count(Verdict verdict) {
        return results.stream().filter(r -> r.verdict() == verdict).count();
    }

    /** PASS when no case failed (SKIPPED cases are listed, never counted as passes). */
    public Verdict overall() {
        return count(Verdict.FAIL) > 0 ? Verdict.FAIL : count(Verdict.PASS) > 0 ? Verdict.PASS : Verdict.SKIPPED;
    }
}
