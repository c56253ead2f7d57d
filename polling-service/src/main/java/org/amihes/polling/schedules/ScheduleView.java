package org.amihes.polling.schedules;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.amihes.service.registry.MeterGroup;

/** A schedule as the API answers it: its definition, the next fire, the last fire and the recent ones (newest first). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleView(UUID id, String name, MeterGroup group, ScheduleSpec.Job job, Integer everySeconds,
                           String cron, String timeZone, boolean enabled, Instant nextFire, ScheduleFire lastFire,
                           List<ScheduleFire> fires, Instant createdAt, Instant updatedAt) {

    static ScheduleView of(StoredSchedule s, List<ScheduleFire> fires) {
        return new ScheduleView(s.id(), s.name(), s.group(),
                new ScheduleSpec.Job(s.kind(), s.parameters()), s.everySeconds(), s.cron(), s.timeZone(), s.enabled(),
                s.enabled() ? s.nextFire() : null, fires.isEmpty() ? null : fires.get(0), fires, s.createdAt(), s.updatedAt());
    }
}
