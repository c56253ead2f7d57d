package org.amihes.dlms;

import java.util.Map;

/**
 * The non-success result a meter gave to a GET, SET or ACTION, kept as the cause of the {@code DlmsException} the
 * answer turns into, so that a caller for whom the result means something else (HLS pass 3) can tell which it was.
 */
final class ResultRefusal extends RuntimeException {

    /** Action-Result names (DLMS UA Green Book, the ACTION service); GET and SET share values 0 to 14 and 250. */
    private static final Map<Integer, String> ACTION_RESULTS = Map.ofEntries(Map.entry(0, "success"),
            Map.entry(1, "hardware-fault"), Map.entry(2, "temporary-failure"), Map.entry(3, "read-write-denied"),
            Map.entry(4, "object-undefined"), Map.entry(9, "object-class-inconsistent"),
            Map.entry(11, "object-unavailable"), Map.entry(12, "type-unmatched"),
            Map.entry(13, "scope-of-access-violated"), Map.entry(14, "data-block-unavailable"),
            Map.entry(15, "long-action-aborted"), Map.entry(16, "no-long-action-in-progress"),
            Map.entry(250, "other-reason"));

    private final int result;

    ResultRefusal(int result) {
        super(null, null, false, false);
        this.result = result;
    }

    int result() {
        return result;
    }

    /** The result as the Green Book names an ACTION's, with its value, e.g. "other-reason (250)". */
    String actionResult() {
        return ACTION_RESULTS.getOrDefault(result, "unknown result") + " (" + result + ")";
    }

    @Override
    public String getMessage() {
        return actionResult();
    }
}
