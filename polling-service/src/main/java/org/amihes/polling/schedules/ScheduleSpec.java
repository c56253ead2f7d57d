package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import org.amihes.service.registry.MeterGroup;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A schedule as a client writes it ({@code POST /schedules}, {@code PUT /schedules/{id}}): which meters, what to do,
 * when. Exactly one of {@code everySeconds} and {@code cron}; the group is service-commons' {@link MeterGroup}
 * (meter ids, or a filter by vendor and/or tags), the same definition firmware campaigns use.
 */
public record ScheduleSpec(
        @NotBlank @Size(max = 128) String name,
        @NotNull @Valid MeterGroup group,
        @NotNull @Valid Job job,
        @Min(1) @Max(31_536_000) Integer everySeconds,
        @Size(min = 1, max = 128) String cron,
        @Size(min = 1, max = 64) String timeZone,
        Boolean enabled) {

    /** What each fire does: a {@link ScheduledWork} kind and its parameters. */
    public record Job(@NotBlank @Size(max = 64) String kind, JsonNode parameters) {
    }

    public String zone() {
        return timeZone == null ? "UTC" : timeZone;
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    /**
     * The definition as stored: the work's parameters as checked (defaults filled in), the zone and {@code enabled}
     * given; equal to {@link StoredSchedule#spec()} of a schedule stored from an equal request.
     */
    public ScheduleSpec withDefaults(JsonNode checkedParameters) {
        return new ScheduleSpec(name, group, new Job(job.kind(), checkedParameters), everySeconds, cron, zone(), isEnabled());
    }
}
