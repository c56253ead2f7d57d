package org.amihes.interop;

import java.util.List;
import java.util.Map;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;

/** What a case found, before the plan adds the case's id, area and duration. */
public record Outcome(Verdict verdict, String reason, String failureClass, String code, List<String> exchange,
                      Map<String, Object> facts) {

    public static Outcome pass(String reason, Map<String, Object> facts) {
        return new Outcome(Verdict.PASS, reason, null, null, List.of(), facts);
    }

    public static Outcome pass(String reason) {
        return pass(reason, Map.of());
    }

    public static Outcome skipped(String reason) {
        return new Outcome(Verdict.SKIPPED, reason, null, null, List.of(), Map.of());
    }

    /** A check of ours failed on an answer the meter gave: the class and code are the case's to say. */
    public static Outcome fail(FailureCode code, String reason, List<String> exchange, Map<String, Object> facts) {
        return new Outcome(Verdict.FAIL, code.code() + ": " + code.title() + " (" + reason + ")",
                code.failureClass().name(), code.code(), exchange, facts);
    }

    /** A check of ours failed for a reason no failure code names. */
    public static Outcome fail(FailureClass failureClass, String reason, List<String> exchange) {
        return new Outcome(Verdict.FAIL, reason, failureClass.name(), null, exchange, Map.of());
    }

    /** The exchange itself failed: classified by dlms-core, with the frames it kept. */
    public static Outcome failed(Throwable error) {
        DlmsException d = Classifier.classify(error, List.of());
        return new Outcome(Verdict.FAIL, d.getMessage(), d.failureClass().name(), d.code().code(), d.exchange(),
                Map.of());
    }

    /** The same outcome with {@code prefix} before its reason. */
    public Outcome withReason(String prefix) {
        return new Outcome(verdict, prefix + reason, failureClass, code, exchange, facts);
    }

    CaseResult result(InteropCase c, long durationMs) {
        return new CaseResult(c.id(), c.area().label(), verdict, reason, failureClass, code, Evidence.of(exchange),
                facts, durationMs);
    }
}
