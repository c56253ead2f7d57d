package org.amihes.interop;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One case's verdict on one meter.
 *
 * @param reason        what was checked and found (PASS), what went wrong (FAIL) or why it could not run (SKIPPED)
 * @param failureClass  NETWORK, PROTOCOL, VENDOR or SECURITY for a FAIL; null otherwise
 * @param code          the stable failure code (e.g. DLMS-202) for a FAIL, when the failure has one
 * @param evidence      for a FAIL, the frames of the failing exchange (hex and decoded); empty otherwise
 * @param facts         what the case measured (negotiated PDU size, conformance, latency, ...), for the report
 */
public record CaseResult(String caseId, String area, Verdict verdict, String reason, String failureClass, String code,
                         List<Evidence> evidence, Map<String, Object> facts, long durationMs) {

    public CaseResult {
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        if (verdict == Verdict.FAIL && failureClass == null) {
            throw new IllegalArgumentException("a FAIL needs a failure class: " + caseId);
        }
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }

    public boolean failed() {
        return verdict == Verdict.FAIL;
    }
}
