package org.amihes.association.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amihes.association.domain.Meter;
import org.amihes.service.rest.JsonPaths;
import org.amihes.service.rest.Problem;

/**
 * Reads a {@code meter_registry.json} ({@code {"meters": [ ... ]}}) as a stream, one record at a time, so a file of
 * 100,000 meters never becomes one tree in memory. Every record is checked (types, unknown fields, the constraints of
 * {@link MeterEntry}, duplicate ids); all bad records are reported by field and by the line their record starts on,
 * up to {@link #MAX_ERRORS}, and then nothing is imported.
 */
@ApplicationScoped
public class RegistryFileParser {

    public static final int MAX_ERRORS = 100;

    /** The file is not a valid registry; {@code errors} names each bad record's field and line. */
    public static final class Invalid extends RuntimeException {
        private final Problem.Type type;
        private final List<Problem.FieldError> errors;

        Invalid(Problem.Type type, String message, List<Problem.FieldError> errors) {
            super(message, null, false, false);
            this.type = type;
            this.errors = List.copyOf(errors);
        }

        /** Malformed JSON, no body, a file that is not a registry, or bad records. */
        public Problem.Type type() {
            return type;
        }

        public List<Problem.FieldError> errors() {
            return errors;
        }
    }

    private final ObjectMapper mapper;
    private final Validator validator;

    public RegistryFileParser(ObjectMapper mapper, Validator validator) {
        this.mapper = mapper;
        this.validator = validator;
    }

    public List<Meter> parse(InputStream in) throws IOException {
        List<Meter> meters = new ArrayList<>();
        List<Problem.FieldError> errors = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        try (JsonParser p = mapper.getFactory().createParser(in)) {
            JsonToken opening = p.nextToken();
            if (opening == null) {
                throw new Invalid(Problem.Type.MISSING_BODY, "the request has no body; a registry {\"meters\": [...]} is required",
                        List.of(new Problem.FieldError("$", "no body")));
            }
            expect(opening == JsonToken.START_OBJECT, "the registry must be a JSON object {\"meters\": [...]}", p);
            boolean sawMeters = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!"meters".equals(name)) {
                    throw new Invalid(Problem.Type.UNKNOWN_FIELD, "unknown field '" + name + "': a registry has only \"meters\"",
                            List.of(new Problem.FieldError(name, "unknown field; a registry has only \"meters\"", line(p))));
                }
                sawMeters = true;
                expect(p.nextToken() == JsonToken.START_ARRAY, "\"meters\" must be an array", p);
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    int line = line(p);
                    String field = "meters[" + index + "]";
                    JsonNode node = p.readValueAsTree();
                    MeterEntry entry = bind(node, field, line, errors);
                    if (entry != null && validate(entry, field, line, errors)) {
                        Integer first = lineOfId.putIfAbsent(entry.meterId(), line);
                        if (first != null) {
                            errors.add(new Problem.FieldError(field + ".meterId", "meter '" + entry.meterId()
                                    + "' is listed twice (lines " + first + " and " + line + ")", line));
                        } else {
                            meters.add(entry.toMeter());
                        }
                    }
                    if (errors.size() >= MAX_ERRORS) {
                        break;
                    }
                    index++;
                }
                if (errors.size() >= MAX_ERRORS) {
                    break;
                }
            }
            expect(sawMeters, "the registry has no \"meters\" array", p);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            String message = "not valid JSON at line " + line + ": " + e.getOriginalMessage();
            throw new Invalid(Problem.Type.MALFORMED_JSON, message, List.of(new Problem.FieldError("$", message, line)));
        }
        if (!errors.isEmpty()) {
            throw new Invalid(Problem.Type.INVALID_FIELD, errors.size() + (errors.size() >= MAX_ERRORS ? "+" : "") + " invalid records, nothing imported; first: "
                    + errors.get(0).field() + " (line " + errors.get(0).line() + ") " + errors.get(0).message(), errors);
        }
        return meters;
    }

    private MeterEntry bind(JsonNode node, String field, int line, List<Problem.FieldError> errors) {
        try {
            return mapper.treeToValue(node, MeterEntry.class);
        } catch (JsonMappingException e) {
            String path = JsonPaths.of(e.getPath());
            errors.add(new Problem.FieldError(path.isEmpty() ? field : field + "." + path, e.getOriginalMessage(), line));
            return null;
        } catch (JsonProcessingException e) {
            errors.add(new Problem.FieldError(field, e.getOriginalMessage(), line));
            return null;
        }
    }

    private boolean validate(MeterEntry entry, String field, int line, List<Problem.FieldError> errors) {
        List<ConstraintViolation<MeterEntry>> violations = new ArrayList<>(validator.validate(entry));
        violations.sort(java.util.Comparator.comparing(v -> v.getPropertyPath().toString()));
        for (ConstraintViolation<MeterEntry> v : violations) {
            errors.add(new Problem.FieldError(field + "." + v.getPropertyPath(), v.getMessage(), line));
        }
        return violations.isEmpty();
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static void expect(boolean ok, String message, JsonParser p) {
        if (!ok) {
            throw invalid(message, "$", line(p));
        }
    }

    private static Invalid invalid(String message, String field, int line) {
        return new Invalid(Problem.Type.INVALID_REQUEST, message, List.of(new Problem.FieldError(field, message, line)));
    }
}
