package org.amihes.contracts;

/**
 * A contract refused in its constructor: {@code field} names what is wrong (relative to the record), so a consumer can
 * say where in a message the problem is (e.g. {@code jobs[3].meterId: required}).
 */
public final class ContractViolation extends IllegalArgumentException {

    private final String field;

    public ContractViolation(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return getMessage().substring(field.length() + 2);
    }

    static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new ContractViolation(field, "required");
        }
        return value;
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new ContractViolation(field, "required");
        }
        return value;
    }
}
