package org.amihes.association.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amihes.association.domain.Meter;
import org.amihes.service.rest.RecordFile;

/**
 * Reads a {@code meter_registry.json} ({@code {"meters": [ ... ]}}) as a stream ({@link RecordFile}): every record is
 * checked (types, unknown fields, the constraints of {@link MeterEntry}, duplicate ids) and all bad records are
 * reported by field and line before anything is imported ({@link RecordFile.Invalid}).
 */
@ApplicationScoped
public class RegistryFileParser {

    private final RecordFile<MeterEntry> file;

    public RegistryFileParser(ObjectMapper mapper, Validator validator) {
        this.file = new RecordFile<>(mapper, validator, MeterEntry.class, "meters", Set.of());
    }

    public List<Meter> parse(InputStream in) throws IOException {
        Map<String, Integer> lineOfId = new HashMap<>();
        return file.read(in, record -> {
            Integer first = lineOfId.putIfAbsent(record.value().meterId(), record.line());
            return first == null ? List.of() : List.of(record.error("meterId", "meter '" + record.value().meterId()
                    + "' is listed twice (lines " + first + " and " + record.line() + ")"));
        }).records().stream().map(r -> r.value().toMeter()).toList();
    }
}
