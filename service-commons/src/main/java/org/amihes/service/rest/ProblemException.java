package org.amihes.service.rest;

import java.util.List;

/**
 * Thrown by a resource (or its use case) to answer with a specific {@link Problem}: the type and the field are
 * known where the problem is found, so they are said there, not guessed later from a message.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** 400: the fields are each valid but do not go together; {@code field} is the one to change. */
    public static ProblemException invalidRequest(String field, String message) {
        return new ProblemException(Problem.ofField(Problem.Type.INVALID_REQUEST, field, message));
    }

    /** 400: one parameter or field breaks its constraint. */
    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(Problem.ofField(Problem.Type.INVALID_FIELD, field, message));
    }

    /** 404: {@code field} (a path parameter) names nothing stored. */
    public static ProblemException notFound(String field, String message) {
        return new ProblemException(Problem.ofField(Problem.Type.NOT_FOUND, field, message));
    }

    /** 409: the request contradicts what is stored under {@code field}. */
    public static ProblemException conflict(String field, String message) {
        return new ProblemException(Problem.ofField(Problem.Type.CONFLICT, field, message));
    }

    public static ProblemException of(Problem.Type type, String detail, List<Problem.FieldError> errors) {
        return new ProblemException(Problem.of(type, detail, errors));
    }
}
