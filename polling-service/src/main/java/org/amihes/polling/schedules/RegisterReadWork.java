package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.amihes.contracts.ReadRegisters;
import org.amihes.polling.application.ReadBatches;
import org.amihes.service.rest.ProblemException;

/**
 * {@code read-registers}: parameters {@code {"registers": ["1.0.1.8.0.255", "1.0.2.8.0.255"]}} (1 to 16 OBIS codes,
 * default active energy import); each fire is a read batch like {@code POST /reads}.
 */
@ApplicationScoped
public class RegisterReadWork implements ScheduledWork {

    private static final Pattern OBIS = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final ReadBatches batches;

    public RegisterReadWork(ReadBatches batches) {
        this.batches = batches;
    }

    @Override
    public String kind() {
        return ReadRegisters.TYPE;
    }

    @Override
    public JsonNode check(JsonNode parameters) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (parameters == null || parameters.isNull()) {
            out.putArray("registers").add(ReadRegisters.ACTIVE_ENERGY_IMPORT);
            return out;
        }
        if (!parameters.isObject()) {
            throw ProblemException.invalidField("job.parameters", "must be an object, e.g. {\"registers\": [\"1.0.1.8.0.255\"]}");
        }
        for (Iterator<String> names = parameters.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("registers")) {
                throw new ProblemException(org.amihes.service.rest.Problem.ofField(
                        org.amihes.service.rest.Problem.Type.UNKNOWN_FIELD, "job.parameters." + name,
                        "read-registers takes only 'registers'"));
            }
        }
        JsonNode registers = parameters.get("registers");
        if (registers == null || registers.isNull()) {
            out.putArray("registers").add(ReadRegisters.ACTIVE_ENERGY_IMPORT);
            return out;
        }
        if (!registers.isArray() || registers.isEmpty() || registers.size() > 16) {
            throw ProblemException.invalidField("job.parameters.registers", "must be a list of 1 to 16 OBIS codes");
        }
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < registers.size(); i++) {
            JsonNode r = registers.get(i);
            if (!r.isTextual() || !OBIS.matcher(r.asText()).matches()) {
                throw ProblemException.invalidField("job.parameters.registers[" + i + "]", "is not an OBIS code (A.B.C.D.E.F)");
            }
            if (!seen.add(r.asText())) {
                throw ProblemException.invalidRequest("job.parameters.registers[" + i + "]", "lists '" + r.asText() + "' twice");
            }
        }
        seen.forEach(out.putArray("registers")::add);
        return out;
    }

    @Override
    public Uni<Started> store(SqlConnection conn, List<String> meterIds, JsonNode parameters, String idempotencyKey) {
        return batches.store(conn, meterIds, registers(parameters), idempotencyKey)
                .map(b -> new Started(b.batchId(), b.jobs().size(), () -> batches.dispatch(b)));
    }

    @Override
    public Uni<Boolean> running(SqlConnection conn, UUID batchId) {
        return batches.running(conn, batchId);
    }

    private static List<String> registers(JsonNode parameters) {
        List<String> out = new ArrayList<>();
        parameters.get("registers").forEach(n -> out.add(n.asText()));
        return out;
    }
}
