package org.amihes.service.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A file of records, {@code {"<records>": [ {...}, ... ], "<other>": ...}}, read as a stream: one record at a time, so
 * a file of 100,000 records never becomes one tree in memory. Each record is bound to {@code type} (types, unknown
 * fields), validated (its Bean Validation constraints) and passed to a {@link Check} for what only the caller knows
 * (duplicates, cross-field rules). All bad records are reported by field and by the line their record starts on, up
 * to {@link #MAX_ERRORS}; then {@link Invalid} is thrown and the caller stores nothing. Used by the meter registry
 * and the key delivery import.
 *
 * @param records name of the array of records
 * @param others  other top-level fields the file may have, read whole (small sections such as a header)
 */
public record RecordFile<T>(ObjectMapper mapper, Validator validator, Class<T> type, String records,
                            Set<String> others) {

    public static final int MAX_ERRORS = 100;

    /** One record and where it came from. */
    public record Line<T>(T value, String field, int line) {
        public Problem.FieldError error(String subField, String message) {
            return new Problem.FieldError(field + "." + subField, message, line);
        }
    }

    /** What a caller checks beyond the record's own constraints; returns the errors, none when fine. */
    public interface Check<T> {
        List<Problem.FieldError> check(Line<T> record);
    }

    /** @param others the other top-level fields that were present, by name */
    public record Content<T>(List<Line<T>> records, Map<String, JsonNode> others) {
    }

    /** The file is not valid; {@code errors} names each bad record's field and line. Nothing may be stored. */
    public static final class Invalid extends RuntimeException {
        private final Problem.Type type;
        private final List<Problem.FieldError> errors;

        public Invalid(Problem.Type type, String message, List<Problem.FieldError> errors) {
            super(message, null, false, false);
            this.type = type;
            this.errors = List.copyOf(errors);
        }

        /** Malformed JSON, no body, a file of the wrong shape, or bad records. */
        public Problem.Type type() {
            return type;
        }

        public List<Problem.FieldError> errors() {
            return errors;
        }

    }

    public Content<T> read(InputStream in, Check<T> check) throws IOException {
        List<Line<T>> out = new ArrayList<>();
        Map<String, JsonNode> otherValues = new HashMap<>();
        List<Problem.FieldError> errors = new ArrayList<>();
        String shape = "{\"" + records + "\": [...]}";
        try (JsonParser p = mapper.getFactory().createParser(in)) {
            JsonToken opening = p.nextToken();
            if (opening == null) {
                throw new Invalid(Problem.Type.MISSING_BODY, "the request has no body; " + shape + " is required",
                        List.of(new Problem.FieldError("$", "no body")));
            }
            expect(opening == JsonToken.START_OBJECT, "the file must be a JSON object " + shape, p);
            boolean sawRecords = false;
            while (p.nextToken() == JsonToken.FIELD_NAME && errors.size() < MAX_ERRORS) {
                String name = p.currentName();
                if (others.contains(name)) {
                    p.nextToken();
                    otherValues.put(name, p.readValueAsTree());
                    continue;
                }
                if (!records.equals(name)) {
                    Set<String> known = new TreeSet<>(others);
                    known.add(records);
                    String message = "unknown field; the file has only " + known;
                    throw new Invalid(Problem.Type.UNKNOWN_FIELD, "unknown field '" + name + "': " + message,
                            List.of(new Problem.FieldError(name, message, line(p))));
                }
                sawRecords = true;
                expect(p.nextToken() == JsonToken.START_ARRAY, "\"" + records + "\" must be an array", p);
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY && errors.size() < MAX_ERRORS) {
                    int line = line(p);
                    String field = records + "[" + index++ + "]";
                    T value = bind(p.readValueAsTree(), type, field, line, errors);
                    if (value != null) {
                        Line<T> record = new Line<>(value, field, line);
                        List<Problem.FieldError> found = check.check(record);
                        if (found.isEmpty()) {
                            out.add(record);
                        } else {
                            errors.addAll(found);
                        }
                    }
                }
            }
            expect(sawRecords || errors.size() >= MAX_ERRORS, "the file has no \"" + records + "\" array", p);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            String message = "not valid JSON at line " + line + ": " + e.getOriginalMessage();
            throw new Invalid(Problem.Type.MALFORMED_JSON, message, List.of(new Problem.FieldError("$", message, line)));
        }
        if (!errors.isEmpty()) {
            throw new Invalid(Problem.Type.INVALID_FIELD, errors.size() + (errors.size() >= MAX_ERRORS ? "+" : "")
                    + " invalid records, nothing imported; first: " + errors.get(0).field() + " (line "
                    + errors.get(0).line() + ") " + errors.get(0).message(), errors);
        }
        return new Content<>(out, otherValues);
    }

    /** Binds one section (a record or another top-level field) and validates it; null after adding its errors. */
    public <S> S bind(JsonNode node, Class<S> as, String field, Integer line, List<Problem.FieldError> errors) {
        try {
            S value = mapper.treeToValue(node, as);
            List<ConstraintViolation<S>> violations = new ArrayList<>(validator.validate(value));
            violations.sort(Comparator.comparing(v -> v.getPropertyPath().toString()));
            for (ConstraintViolation<S> v : violations) {
                errors.add(new Problem.FieldError(field + "." + v.getPropertyPath(), v.getMessage(), line));
            }
            return violations.isEmpty() ? value : null;
        } catch (JsonMappingException e) {
            String path = JsonPaths.of(e.getPath());
            errors.add(new Problem.FieldError(path.isEmpty() ? field : field + "." + path, e.getOriginalMessage(), line));
            return null;
        } catch (JsonProcessingException e) {
            errors.add(new Problem.FieldError(field, e.getOriginalMessage(), line));
            return null;
        }
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static void expect(boolean ok, String message, JsonParser p) {
        if (!ok) {
            throw new Invalid(Problem.Type.INVALID_REQUEST, message,
                    List.of(new Problem.FieldError("$", message, line(p))));
        }
    }
}
