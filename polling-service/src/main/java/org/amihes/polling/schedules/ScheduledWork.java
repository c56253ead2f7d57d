package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;
import java.util.UUID;

/**
 * A kind of work a schedule can fire (a CDI bean per kind): register reads ({@link RegisterReadWork}) and load-profile
 * reads ({@link org.amihes.polling.profiles.ProfileReadWork}), each with its own {@link #kind()} and parameters. A fire stores the work's
 * batch inside the transaction that claims the schedule, and dispatches it after the commit.
 */
public interface ScheduledWork {

    /** The name a schedule gives in {@code job.kind}, e.g. {@code read-registers}. */
    String kind();

    /**
     * Checks a schedule's {@code job.parameters} (null when absent) and returns them complete (defaults filled in);
     * throws {@link org.amihes.service.rest.ProblemException} naming the field (e.g. {@code job.parameters.registers[1]}).
     */
    JsonNode check(JsonNode parameters);

    /** Stores the batch for these meters in the caller's transaction. */
    Uni<Started> store(SqlConnection conn, List<String> meterIds, JsonNode parameters, String idempotencyKey);

    /** Whether a batch this work stored earlier still has work outstanding (a fire is skipped while it does). */
    Uni<Boolean> running(SqlConnection conn, UUID batchId);

    /** A batch stored; {@code dispatch} runs after the transaction committed. */
    record Started(UUID batchId, int requested, Runnable dispatch) {
    }
}
