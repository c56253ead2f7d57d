package org.amihes.service.rest;

/**
 * Numeric query parameters read by hand, so a value that is not a number is a 400 naming the parameter (JAX-RS
 * answers a query parameter it cannot convert with 404, as if the resource did not exist).
 */
public final class QueryParams {

    private QueryParams() {
    }

    /** {@code value} as an int in {@code [min, max]}; {@code fallback} when absent. */
    public static int intParam(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.ofField(Problem.Type.WRONG_TYPE, name,
                    "query parameter '" + name + "': '" + value + "' is not a whole number"));
        }
        if (parsed < min || parsed > max) {
            throw ProblemException.invalidField(name, "query parameter '" + name + "' must be between " + min + " and " + max + ", not " + parsed);
        }
        return parsed;
    }
}
