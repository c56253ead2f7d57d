package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.amihes.service.registry.MeterGroup;

/** A schedule as stored ({@code polling.schedule}). {@code updatedAt} anchors an interval schedule's phase. */
public record StoredSchedule(UUID id, String name, MeterGroup group, String kind, JsonNode parameters,
                             Integer everySeconds, String cron, String timeZone, boolean enabled, Instant nextFire,
                             Instant createdAt, Instant updatedAt) {

    /** The definition, as a client writes it (with the defaults filled in). */
    public ScheduleSpec spec() {
        return new ScheduleSpec(name, group, new ScheduleSpec.Job(kind, parameters), everySeconds, cron, timeZone, enabled);
    }

    public Timing timing(Instant now) {
        return everySeconds != null ? new Timing.Every(Duration.ofSeconds(everySeconds), updatedAt)
                : Timing.cron(cron, timeZone, now);
    }
}
