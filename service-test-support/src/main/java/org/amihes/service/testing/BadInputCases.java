package org.amihes.service.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The bad requests of one operation, made from what the service's OpenAPI document says about it (its path and query
 * parameters with their types and bounds, its request body's media type and schema), each with the problem it must
 * get. Nothing here knows an endpoint by name, so an endpoint added later gets its cases without a change.
 */
final class BadInputCases {

    /** Which answers a case accepts: one of these statuses and problem types, and, when not null, this field named. */
    record Expect(Set<Integer> statuses, Set<String> types, String field) {
        static Expect of(int status, String type, String field) {
            return new Expect(Set.of(status), Set.of(type), field);
        }
    }

    /**
     * One bad request. {@code declaredLength} > 0: only the head is sent, declaring that many bytes of body.
     * {@code body} null: no body.
     */
    record Case(String operation, String kind, String method, String path, String contentType, String body,
                long declaredLength, Expect expect, List<String> unknownIds) {
        @Override
        public String toString() {
            return operation + " [" + kind + "]";
        }
    }

    /** Declared by the oversize case: over every limit a service could set (1 TiB). */
    static final long OVERSIZE = 1L << 40;
    static final String UNKNOWN_FIELD = "inputMatrixUnknownField";
    /** The value of a required string query parameter: a name no service holds. */
    static final String QUERY_VALUE = "inputmatrix";

    private final JsonNode document;

    BadInputCases(JsonNode document) {
        this.document = document;
    }

    /** The cases of the operation {@code method} on {@code template} (e.g. {@code /meters/{meterId}}). */
    List<Case> of(String method, String template, JsonNode operation, JsonNode pathItem) {
        String name = method.toUpperCase() + " " + template;
        List<JsonNode> parameters = new ArrayList<>();
        pathItem.path("parameters").forEach(parameters::add);
        operation.path("parameters").forEach(parameters::add);
        List<String> ids = new ArrayList<>();
        String path = unknownIds(template, parameters, ids);
        List<Case> cases = new ArrayList<>();
        JsonNode body = operation.path("requestBody").path("content");
        String mediaType = body.fieldNames().hasNext() ? body.fieldNames().next() : null;

        // unknown ids: an operation without a body reaches its lookup, which must say 404
        if (template.contains("{") && mediaType == null) {
            // the required query parameters' values are unknown too (a profile name): a 404 may name one of them
            List<String> unknown = new ArrayList<>(ids);
            if (!validQuery(parameters).isEmpty()) {
                unknown.add(QUERY_VALUE);
            }
            // a 400 naming a query parameter is specific as well: the endpoint needs one the document does not mark required
            cases.add(new Case(name, "unknown ids", method, path + validQuery(parameters), null, null, 0,
                    new Expect(Set.of(404, 400), Set.of("not-found", "invalid-field"), null), unknown));
        }
        for (JsonNode p : parameters) {
            String in = p.path("in").asText();
            String pname = p.path("name").asText();
            JsonNode schema = resolve(p.path("schema"));
            String type = type(schema);
            if ("path".equals(in) && "uuid".equals(schema.path("format").asText())) {
                cases.add(new Case(name, "path " + pname + " not a uuid", method,
                        template.replace("{" + pname + "}", "not-a-uuid").replaceAll("\\{[^}]+}", "im-unknown"),
                        mediaType, mediaType == null ? null : "{}", 0, new Expect(Set.of(400, 404),
                        Set.of("invalid-field", "wrong-type", "not-found"), null), List.of()));
            }
            if (!"query".equals(in)) {
                continue;
            }
            if ("integer".equals(type) || "number".equals(type)) {
                cases.add(query(name, method, path, ids, parameters, mediaType, pname, "many", "wrong type",
                        new Expect(Set.of(400), Set.of("wrong-type", "invalid-field"), pname)));
                if (schema.has("minimum")) {
                    long below = schema.path("minimum").asLong() - 1;
                    cases.add(query(name, method, path, ids, parameters, mediaType, pname, Long.toString(below),
                            "below minimum", Expect.of(400, "invalid-field", pname)));
                }
                if (schema.has("maximum")) {
                    long above = schema.path("maximum").asLong() + 1;
                    cases.add(query(name, method, path, ids, parameters, mediaType, pname, Long.toString(above),
                            "above maximum", Expect.of(400, "invalid-field", pname)));
                }
            } else if ("boolean".equals(type)) {
                cases.add(query(name, method, path, ids, parameters, mediaType, pname, "perhaps", "wrong type",
                        new Expect(Set.of(400), Set.of("wrong-type", "invalid-field"), pname)));
            }
        }
        if (mediaType == null) {
            return cases;
        }
        String query = validQuery(parameters);
        String target = path + query;
        cases.add(new Case(name, "declared oversize", method, target, mediaType, null, OVERSIZE,
                Expect.of(413, "payload-too-large", "$"), ids));
        cases.add(new Case(name, "wrong media type", method, target, "text/plain", "plain text", 0,
                Expect.of(415, "unsupported-media-type", null), ids));
        if (!mediaType.contains("json")) {
            cases.add(new Case(name, "no body", method, target, mediaType, null, 0,
                    new Expect(Set.of(400), Set.of("missing-body", "invalid-field", "invalid-request"), null), ids));
            return cases;
        }
        JsonNode schema = resolve(body.path(mediaType).path("schema"));
        String bodyType = type(schema);
        cases.add(json(name, ids, "not JSON", method, target, mediaType, "not json at all",
                Expect.of(400, "malformed-json", null)));
        cases.add(json(name, ids, "JSON ends early", method, target, mediaType, "{\"" + firstProperty(schema) + "\": ",
                Expect.of(400, "malformed-json", null)));
        cases.add(json(name, ids, "no body", method, target, mediaType, null, Expect.of(400, "missing-body", "$")));
        // null: no object, as no body does; an endpoint that reads a file of records may say what the file must be
        cases.add(json(name, ids, "JSON null", method, target, mediaType, "null",
                new Expect(Set.of(400), Set.of("missing-body", "invalid-request"), "$")));
        Expect wrongShape = new Expect(Set.of(400), Set.of("wrong-type", "invalid-request"), null);
        if ("array".equals(bodyType)) {
            cases.add(json(name, ids, "an object for the array", method, target, mediaType, "{}", wrongShape));
            return cases;
        }
        cases.add(json(name, ids, "a string for the object", method, target, mediaType, "\"text\"", wrongShape));
        cases.add(json(name, ids, "an array for the object", method, target, mediaType, "[{}]", wrongShape));
        if (schema.has("properties")) {
            cases.add(json(name, ids, "unknown field", method, target, mediaType, "{\"" + UNKNOWN_FIELD + "\": 1}",
                    new Expect(Set.of(400), Set.of("unknown-field", "invalid-request", "invalid-field"), UNKNOWN_FIELD)));
        } else {
            // one of several types (a command): the type id is read first, and an object without it names it missing
            cases.add(json(name, ids, "unknown field", method, target, mediaType, "{\"" + UNKNOWN_FIELD + "\": 1}",
                    new Expect(Set.of(400), Set.of("unknown-field", "invalid-request", "invalid-field", "wrong-type"),
                            null)));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties(schema); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            String field = property.getKey();
            JsonNode propertySchema = resolve(property.getValue());
            String wrong = wrongValue(propertySchema);
            if (wrong != null) {
                cases.add(json(name, ids, "wrong type: " + field + " = " + wrong, method, target, mediaType,
                        "{\"" + field + "\": " + wrong + "}", Expect.of(400, "wrong-type", field)));
            }
            String right = rightShape(propertySchema);
            cases.add(json(name, ids, "duplicate key " + field, method, target, mediaType,
                    "{\"" + field + "\": " + right + ",\n\"" + field + "\": " + right + "}",
                    Expect.of(400, "malformed-json", field)));
            oneTooMany(name, ids, method, target, mediaType, field, propertySchema, cases);
            if ("object".equals(type(propertySchema))) { // a group of meters: its lists too
                for (Iterator<Map.Entry<String, JsonNode>> inner = properties(propertySchema); inner.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = inner.next();
                    oneTooMany(name, ids, method, target, mediaType, field + "." + p.getKey(), resolve(p.getValue()),
                            cases);
                }
            }
        }
        return cases;
    }

    /**
     * A list one item longer than its declared {@code maxItems}, every item of its items' type and pattern: refused,
     * naming the list, before anything is stored ({@code field} a property or {@code group.meterIds}, one level down).
     */
    private void oneTooMany(String name, List<String> ids, String method, String target, String mediaType,
                            String field, JsonNode schema, List<Case> cases) {
        if (!"array".equals(type(schema)) || !schema.has("maxItems")) {
            return;
        }
        int max = schema.path("maxItems").asInt();
        String item = itemValue(resolve(schema.path("items")));
        StringBuilder list = new StringBuilder((max + 1) * (item.length() + 1) + 2).append('[');
        for (int i = 0; i <= max; i++) {
            list.append(i == 0 ? "" : ",").append(item);
        }
        String value = list.append(']').toString();
        int dot = field.indexOf('.');
        String body = dot < 0 ? "{\"" + field + "\": " + value + "}"
                : "{\"" + field.substring(0, dot) + "\": {\"" + field.substring(dot + 1) + "\": " + value + "}}";
        cases.add(json(name, ids, field + " one item more than " + max, method, target, mediaType, body,
                Expect.of(400, "invalid-field", field)));
    }

    /** An item a list's {@code items} schema accepts by type and pattern (a string of its pattern, else its shape). */
    private static String itemValue(JsonNode schema) {
        if ("string".equals(type(schema)) && schema.hasNonNull("pattern") && schema.path("enum").isEmpty()) {
            return "\"" + matching(schema.path("pattern").asText(), "a") + "\"";
        }
        return rightShape(schema);
    }

    private static Case json(String name, List<String> ids, String kind, String method, String path,
                             String mediaType, String body, Expect expect) {
        return new Case(name, kind, method, path, mediaType, body, 0, expect, ids);
    }

    private Case query(String name, String method, String path, List<String> ids, List<JsonNode> parameters,
                       String mediaType,
                       String parameter, String value, String kind, Expect expect) {
        StringBuilder query = new StringBuilder();
        for (JsonNode p : parameters) {
            if ("query".equals(p.path("in").asText()) && !parameter.equals(p.path("name").asText())) {
                String v = validValue(resolve(p.path("schema")), p.path("required").asBoolean());
                if (v != null) {
                    query.append(query.length() == 0 ? "?" : "&").append(p.path("name").asText()).append('=').append(v);
                }
            }
        }
        query.append(query.length() == 0 ? "?" : "&").append(parameter).append('=').append(value);
        return new Case(name, "query " + parameter + " " + kind + " (" + value + ")", method, path + query, mediaType,
                mediaType == null ? null : mediaType.contains("json") ? "{}" : "", 0, expect, ids);
    }

    /** The required query parameters with a value of their type, so a case tests one parameter at a time. */
    private String validQuery(List<JsonNode> parameters) {
        StringBuilder query = new StringBuilder();
        for (JsonNode p : parameters) {
            if ("query".equals(p.path("in").asText()) && p.path("required").asBoolean()) {
                String v = validValue(resolve(p.path("schema")), true);
                query.append(query.length() == 0 ? "?" : "&").append(p.path("name").asText()).append('=').append(v);
            }
        }
        return query.toString();
    }

    private static String validValue(JsonNode schema, boolean required) {
        String type = type(schema);
        if ("integer".equals(type) || "number".equals(type)) {
            return schema.has("minimum") ? schema.path("minimum").asText() : required ? "1" : null;
        }
        return required ? QUERY_VALUE : null;
    }

    /** Every path parameter an id no service holds, of the parameter's format. */
    private String unknownIds(String template, List<JsonNode> parameters, List<String> ids) {
        String path = template;
        for (JsonNode p : parameters) {
            if ("path".equals(p.path("in").asText())) {
                JsonNode schema = resolve(p.path("schema"));
                String id = "uuid".equals(schema.path("format").asText()) ? UUID.randomUUID().toString()
                        : "integer".equals(type(schema)) ? "987654321" : "im-unknown-" + Long.toHexString(System.nanoTime());
                if (schema.hasNonNull("pattern") && !id.matches(schema.path("pattern").asText())) {
                    id = matching(schema.path("pattern").asText(), id);
                }
                ids.add(id);
                path = path.replace("{" + p.path("name").asText() + "}", id);
            }
        }
        return path.replaceAll("\\{[^}]+}", "im-unknown");
    }

    /**
     * An unknown id of the form a path parameter's {@code pattern} demands (e.g. a system title of 16 hex digits), so
     * the case asks for an id nobody holds, not a malformed one: random hex digits of the first length the pattern
     * takes, in upper and then lower case. {@code fallback} when none up to 64 digits fits (the case then says so).
     */
    static String matching(String pattern, String fallback) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern);
        java.util.Random random = new java.util.Random(pattern.hashCode());
        for (int length = 1; length <= 64; length++) {
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < length; i++) {
                hex.append(Character.forDigit(random.nextInt(16), 16));
            }
            for (String candidate : List.of(hex.toString().toUpperCase(java.util.Locale.ROOT), hex.toString())) {
                if (p.matcher(candidate).matches()) {
                    return candidate;
                }
            }
        }
        return fallback;
    }

    /** A value of another JSON type than the schema's, that no lenient reading turns into one of its type. */
    private static String wrongValue(JsonNode schema) {
        return switch (type(schema)) {
            case "integer", "number" -> "\"not-a-number\"";
            case "boolean" -> "\"maybe\"";
            case "string" -> "true";
            case "array" -> "{}";
            case "object" -> "[]";
            default -> null;
        };
    }

    /**
     * A value of the schema's JSON type (its constraints aside; an enum's first constant, which is read before the
     * next key): the duplicate-key case is about the key only.
     */
    private static String rightShape(JsonNode schema) {
        if (schema.path("enum").size() > 0) {
            return schema.path("enum").get(0).toString();
        }
        switch (schema.path("format").asText()) {
            case "date-time":
                return "\"2026-01-01T00:00:00Z\"";
            case "date":
                return "\"2026-01-01\"";
            case "uuid":
                return "\"" + UUID.randomUUID() + "\"";
            default:
                break;
        }
        return switch (type(schema)) {
            case "integer", "number" -> "1";
            case "boolean" -> "true";
            case "array" -> "[]";
            case "object" -> "{}";
            default -> "\"a\"";
        };
    }

    private Iterator<Map.Entry<String, JsonNode>> properties(JsonNode schema) {
        return schema.path("properties").fields();
    }

    private String firstProperty(JsonNode schema) {
        Iterator<String> names = schema.path("properties").fieldNames();
        return names.hasNext() ? names.next() : "field";
    }

    /** The schema behind a {@code $ref}, or the single schema of an {@code allOf}/{@code anyOf}/{@code oneOf}. */
    JsonNode resolve(JsonNode schema) {
        for (int depth = 0; depth < 10; depth++) {
            if (schema.has("$ref")) {
                String ref = schema.path("$ref").asText();
                schema = document.at(ref.startsWith("#") ? ref.substring(1) : "/" + ref);
            } else if (!schema.has("type") && !schema.has("properties")) {
                JsonNode single = null;
                for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
                    for (JsonNode option : schema.path(combinator)) {
                        if (!"null".equals(option.path("type").asText())) {
                            single = option;
                        }
                    }
                }
                if (single == null) {
                    return schema;
                }
                schema = single;
            } else {
                return schema;
            }
        }
        return schema;
    }

    /** The JSON type of a schema (OpenAPI 3.1 may give a list such as ["string", "null"]); "object" with properties. */
    static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equals(t.asText())) {
                    return t.asText();
                }
            }
        }
        if (type.isTextual()) {
            return type.asText();
        }
        if (schema.has("properties")) {
            return "object";
        }
        if (schema.has("enum")) {
            return "string";
        }
        return "";
    }
}
