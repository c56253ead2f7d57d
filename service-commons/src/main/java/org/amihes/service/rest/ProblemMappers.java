package org.amihes.service.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import org.amihes.service.rest.Problem.FieldError;
import org.amihes.service.rest.Problem.Type;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error a resource can raise into a {@link Problem}, so clients see one shape whatever failed, with a
 * {@link Type} that says which kind of problem it is: malformed JSON names the line and column, a wrong type or an
 * unknown field names the field and its line, validation names each field, unknown resources get 404.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    /** A file of records with bad records ({@link RecordFile}): each named by field and line, nothing stored. */
    @ServerExceptionMapper
    public Response invalidRecordFile(RecordFile.Invalid e) {
        return respond(Problem.of(e.type(), e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response malformedJson(com.fasterxml.jackson.core.JsonParseException e) {
        return respond(malformed(e));
    }

    /** Wrong type, unknown field, bad enum constant, no body: more specific than Quarkus' built-in mapper for it. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return respond(unmappable(e));
    }

    @ServerExceptionMapper
    public Response unmappableJson(JsonMappingException e) {
        return respond(unmappable(e));
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            if (v.getInvalidValue() == null && isBody(v)) {
                return respond(Problem.of(Type.MISSING_BODY, "the request has no body; a JSON object is required",
                        List.of(new FieldError("$", "no body"))));
            }
        }
        int count = e.getConstraintViolations().size();
        // a list of 200,000 bad ids is 200,000 violations: the answer names the first of them, and how many there are
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field, ProblemMappers::naturally))
                .limit(RecordFile.MAX_ERRORS)
                .toList();
        String detail = errors.stream().map(f -> f.field() + " " + f.message())
                .reduce((a, b) -> a + "; " + b).orElse("invalid request");
        if (count > errors.size()) {
            detail = count + " invalid values, the first " + errors.size() + ": " + detail;
        }
        return respond(Problem.of(Type.INVALID_FIELD, detail, errors));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        // The JSON body reader wraps Jackson's errors: answer with the field-level problem instead.
        if (e.getCause() instanceof com.fasterxml.jackson.core.JsonParseException parse) {
            return malformedJson(parse);
        }
        if (e.getCause() instanceof JsonMappingException mapping) {
            return unmappableJson(mapping);
        }
        int status = e.getResponse().getStatus();
        return respond(Problem.of(Type.ofStatus(status), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unhandled error", e);
        return respond(Problem.of(Type.INTERNAL, e.getClass().getSimpleName() + ": " + e.getMessage()));
    }

    public static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** Not JSON: where it broke (line, column) and, when the parser got that far, in which field. */
    static Problem malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : at.getLineNr();
        String field = "$";
        if (e.getProcessor() instanceof JsonParser parser) {
            field = pathOf(parser.getParsingContext());
        }
        String message = "not valid JSON at line " + line + ", column " + (at == null ? 0 : at.getColumnNr()) + ": "
                + e.getOriginalMessage();
        return Problem.of(Type.MALFORMED_JSON, message, List.of(new FieldError(field, message, line)));
    }

    static Problem unmappable(JsonMappingException e) {
        String field = JsonPaths.of(e.getPath());
        Integer line = e.getLocation() == null ? null : e.getLocation().getLineNr();
        Type type;
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            type = Type.UNKNOWN_FIELD;
            message = "unknown field '" + u.getPropertyName() + "'; known: " + u.getKnownPropertyIds();
        } else if (e instanceof MismatchedInputException m && m.getMessage() != null
                && m.getMessage().startsWith("No content to map due to end-of-input")) {
            type = Type.MISSING_BODY;
            message = "the request has no body; a JSON object is required";
        } else if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Unexpected end-of-input")) {
            // the body ends inside a value: reported by a deserializer, but the JSON is what is wrong
            type = Type.MALFORMED_JSON;
            message = "not valid JSON at line " + line + ": " + e.getOriginalMessage();
        } else if (e instanceof InvalidFormatException f) {
            type = Type.WRONG_TYPE;
            message = "'" + f.getValue() + "' is not a valid " + f.getTargetType().getSimpleName()
                    + (f.getTargetType().isEnum() ? " (one of " + java.util.Arrays.toString(f.getTargetType().getEnumConstants()) + ")" : "");
        } else if (e instanceof MismatchedInputException m) {
            type = Type.WRONG_TYPE;
            message = m.getTargetType() == null ? e.getOriginalMessage()
                    : "expected " + describe(m.getTargetType()) + ": " + e.getOriginalMessage();
        } else {
            type = Type.WRONG_TYPE;
            message = e.getOriginalMessage();
        }
        String detail = "field '" + field + "'" + (line == null ? "" : " (line " + line + ")") + ": " + message;
        return Problem.of(type, detail, List.of(new FieldError(field, message, line)));
    }

    private static String describe(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "a " + type.getSimpleName() + " object";
    }

    /** The parser's position as a path a client recognises, e.g. {@code meterIds[2]}. */
    private static String pathOf(JsonStreamContext context) {
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.addFirst(c.getCurrentName());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (out.length() > 0 && !part.startsWith("[")) {
                out.append('.');
            }
            out.append(part);
        }
        return out.length() == 0 ? "$" : out.toString();
    }

    /**
     * Whether the violation is about the request body as a whole: a method parameter without a JAX-RS parameter
     * annotation (path, query, header, ...), e.g. a {@code @NotNull} entity that came as no body or as {@code null}.
     */
    private static boolean isBody(ConstraintViolation<?> v) {
        jakarta.validation.Path.MethodNode method = null;
        jakarta.validation.Path.ParameterNode parameter = null;
        int nodes = 0;
        for (jakarta.validation.Path.Node node : v.getPropertyPath()) {
            nodes++;
            if (node.getKind() == jakarta.validation.ElementKind.METHOD) {
                method = node.as(jakarta.validation.Path.MethodNode.class);
            } else if (node.getKind() == jakarta.validation.ElementKind.PARAMETER) {
                parameter = node.as(jakarta.validation.Path.ParameterNode.class);
            }
        }
        if (method == null || parameter == null || nodes != 2 || v.getRootBeanClass() == null) {
            return false;
        }
        // every declaration up the hierarchy: a generated subclass (interceptors) overrides without the annotations
        boolean declared = false;
        for (Class<?> c = v.getRootBeanClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Method m = c.getDeclaredMethod(method.getName(),
                        method.getParameterTypes().toArray(Class<?>[]::new));
                declared = true;
                for (java.lang.annotation.Annotation a : m.getParameterAnnotations()[parameter.getParameterIndex()]) {
                    String pkg = a.annotationType().getPackageName();
                    if (pkg.equals("jakarta.ws.rs") || pkg.startsWith("org.jboss.resteasy.reactive")) {
                        return false; // @PathParam, @QueryParam, @RestPath, ...
                    }
                }
            } catch (NoSuchMethodException e) {
                // not declared at this level
            }
        }
        return declared;
    }

    /** "create.request.meterIds" → "meterIds": drop the method and parameter frames bean validation adds. */
    private static String fieldOf(ConstraintViolation<?> v) {
        // a list element's constraint ends in ".<list element>": the index before it names the element
        String path = v.getPropertyPath().toString().replaceAll("\\.<[^>]*>", "");
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length))
                : parts[parts.length - 1];
    }

    /** Field names in reading order: the numbers in them compared as numbers ({@code ids[2]} before {@code ids[10]}). */
    static int naturally(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int ei = i;
                int ej = j;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                String nx = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
                String ny = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
                int c = nx.length() != ny.length() ? Integer.compare(nx.length(), ny.length()) : nx.compareTo(ny);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
