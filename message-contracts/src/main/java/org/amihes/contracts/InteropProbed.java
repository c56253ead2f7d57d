package org.amihes.contracts;

/**
 * The outcome of {@link InteropProbe}: the meter's verdict over the plan, counted; or why it was not probed.
 *
 * @param verdict     PASS, FAIL or SKIPPED when probed; null when not
 * @param notProbed   why the meter was not probed (the run was cancelled, the meter already has its verdict), null
 *                    when it was
 */
public record InteropProbed(String verdict, int passed, int failed, int skipped, String notProbed)
        implements CommandOutcome {

    public InteropProbed {
        if ((verdict == null) == (notProbed == null)) {
            throw new ContractViolation("verdict", "exactly one of verdict and notProbed");
        }
    }

    public static InteropProbed notProbed(String reason) {
        return new InteropProbed(null, 0, 0, 0, reason);
    }
}
