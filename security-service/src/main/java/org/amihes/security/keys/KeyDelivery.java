package org.amihes.security.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.RecordFile;

/**
 * Reads a vendor key delivery file ({@code {"headEnd": {...}, "meters": [...], "warning": "..."}}; the meter
 * simulator's {@code --keys-out} is the first format) as a stream. Every record is checked; bad ones are reported by
 * line and field ({@link RecordFile.Invalid}) and then nothing is imported. Messages never contain a key.
 */
@ApplicationScoped
public class KeyDelivery {

    /** A checked delivery: the meters' keys (version not yet assigned) and the head-end's, if the file has them. */
    public record Content(List<MeterKeys> meters, List<Integer> lines, byte[] headEndSystemTitle,
                          List<HeadEndKey> headEnd) {
    }

    private final RecordFile<DeliveredMeter> file;

    public KeyDelivery(ObjectMapper mapper, Validator validator) {
        this.file = new RecordFile<>(mapper, validator, DeliveredMeter.class, "meters", Set.of("headEnd", "warning"));
    }

    public Content read(InputStream in) throws IOException {
        Map<String, Integer> lineOfId = new HashMap<>();
        RecordFile.Content<DeliveredMeter> content = file.read(in, record -> {
            List<Problem.FieldError> errors = new ArrayList<>();
            Integer first = lineOfId.putIfAbsent(record.value().meterId(), record.line());
            if (first != null) {
                errors.add(record.error("meterId", "meter '" + record.value().meterId() + "' is listed twice (lines "
                        + first + " and " + record.line() + ")"));
            }
            record.value().problems().forEach(p -> errors.add(record.error(p[0], p[1])));
            return errors;
        });
        List<HeadEndKey> headEnd = List.of();
        byte[] headEndTitle = null;
        JsonNode section = content.others().get("headEnd");
        if (section != null && !section.isNull()) {
            List<Problem.FieldError> errors = new ArrayList<>();
            DeliveredHeadEnd delivered = file.bind(section, DeliveredHeadEnd.class, "headEnd", null, errors);
            if (delivered != null) {
                delivered.problems().forEach(p -> errors.add(new Problem.FieldError("headEnd." + p[0], p[1])));
            }
            if (!errors.isEmpty()) {
                throw new RecordFile.Invalid(Problem.Type.INVALID_FIELD, "the headEnd section is invalid, nothing "
                        + "imported; first: " + errors.get(0).field() + " " + errors.get(0).message(), errors);
            }
            headEnd = delivered.toKeys();
            headEndTitle = java.util.HexFormat.of().parseHex(delivered.systemTitle());
        }
        return new Content(content.records().stream().map(r -> r.value().toKeys()).toList(),
                content.records().stream().map(RecordFile.Line::line).toList(), headEndTitle, headEnd);
    }
}
