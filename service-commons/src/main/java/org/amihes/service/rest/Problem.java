package org.amihes.service.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem body ({@code application/problem+json}), the one error shape every service answers with.
 * {@code type} says which kind of problem it is (one of {@link Type}), so a client can branch on it without parsing
 * the title or the detail.
 *
 * @param errors one entry per offending field, when the problem is about the request body or parameters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The kinds of problem every service answers with: the {@code type} URI, its status and title. */
    public enum Type {
        /** the body is not JSON (or ends early); the error names the line and column */
        MALFORMED_JSON(400, "Malformed JSON"),
        /** the body has no content where one is required */
        MISSING_BODY(400, "Missing request body"),
        /** a field the request type does not have */
        UNKNOWN_FIELD(400, "Unknown field"),
        /** a value of the wrong JSON type, or not one of an enum's constants */
        WRONG_TYPE(400, "Wrong type"),
        /** a field or parameter breaks a constraint (required, range, pattern, size) */
        INVALID_FIELD(400, "Invalid field"),
        /** the fields are each fine but do not go together (path and body disagree, a duplicate in a list) */
        INVALID_REQUEST(400, "Invalid request"),
        /** a cron expression that does not parse, or names a time that never comes (30 February) */
        INVALID_CRON(400, "Invalid cron expression"),
        /** no bearer token, or one that did not verify (expired, another audience, a bad signature); detail says which */
        UNAUTHORIZED(401, "Unauthorized"),
        /** a valid token without a role the endpoint needs; detail names the roles */
        FORBIDDEN(403, "Forbidden"),
        NOT_FOUND(404, "Not found"),
        METHOD_NOT_ALLOWED(405, "Method not allowed"),
        NOT_ACCEPTABLE(406, "Not acceptable"),
        /** the request contradicts what is stored (same name, other content) */
        CONFLICT(409, "Conflict"),
        /** the body is larger than the endpoint's limit */
        PAYLOAD_TOO_LARGE(413, "Payload too large"),
        UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
        /** a meter group that names no meter the service knows (a vendor without meters, a meter id not registered) */
        UNKNOWN_GROUP(422, "Unknown meter group"),
        /** a meter group with no meter in it */
        EMPTY_GROUP(422, "Empty meter group"),
        INTERNAL(500, "Internal server error");

        private final int status;
        private final String title;

        Type(int status, String title) {
            this.status = status;
            this.title = title;
        }

        public String uri() {
            return "urn:amihes:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public int status() {
            return status;
        }

        public String title() {
            return title;
        }

        /** The type of a status no more specific type covers. */
        public static Type ofStatus(int status) {
            for (Type t : values()) {
                if (t.status == status && t != MALFORMED_JSON && t != MISSING_BODY && t != UNKNOWN_FIELD
                        && t != WRONG_TYPE && t != INVALID_FIELD && t != INVALID_CRON && t != UNKNOWN_GROUP
                        && t != EMPTY_GROUP) {
                    return t;
                }
            }
            return status >= 500 ? INTERNAL : INVALID_REQUEST;
        }
    }

    /**
     * @param field the JSON path or parameter name, e.g. {@code meterIds[2]}
     * @param line  where in the body the offending value starts (1-based), when known
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(String field, String message, Integer line) {
        public FieldError(String field, String message) {
            this(field, message, null);
        }
    }

    public static Problem of(Type type, String detail) {
        return new Problem(type.uri(), type.title(), type.status(), detail, null);
    }

    public static Problem of(Type type, String detail, List<FieldError> errors) {
        return new Problem(type.uri(), type.title(), type.status(), detail, errors);
    }

    /** A problem about one field or parameter; the detail is the message, the field is in {@code errors}. */
    public static Problem ofField(Type type, String field, String message) {
        return of(type, message, List.of(new FieldError(field, message)));
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem(Type.ofStatus(status).uri(), title, status, detail, null);
    }

    public static Problem ofFields(int status, String title, String detail, List<FieldError> errors) {
        return new Problem(Type.ofStatus(status).uri(), title, status, detail, errors);
    }
}
