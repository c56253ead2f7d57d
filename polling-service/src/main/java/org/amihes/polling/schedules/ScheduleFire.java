package org.amihes.polling.schedules;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * One fire of a schedule.
 *
 * @param dueAt   when it was due (SCHEDULED) or asked for (MANUAL)
 * @param outcome FIRED (a batch was created), SKIPPED (the previous batch still ran, or the group was empty: see detail)
 * @param replica the polling-service replica that fired it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleFire(Instant dueAt, Instant firedAt, String trigger, String outcome, UUID batchId, Integer requested,
                           String detail, String replica) {
}
