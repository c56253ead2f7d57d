package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A schedule as a client writes it ({@code POST /schedules}, {@code PUT /schedules/{id}}): which meters, what to do,
 * when. Exactly one of {@code everySeconds} and {@code cron}; exactly one of {@code group.vendor} and
 * {@code group.meterIds}.
 */
public record ScheduleSpec(
        @NotBlank @Size(max = 128) String name,
        @NotNull @Valid Group group,
        @NotNull @Valid Job job,
        @Min(1) @Max(31_536_000) Integer everySeconds,
        @Size(min = 1, max = 128) String cron,
        @Size(min = 1, max = 64) String timeZone,
        Boolean enabled) {

    /**
     * The meters: every meter of a vendor profile in polling-service's view of the registry at each fire (the
     * registry's {@code vendor}, e.g. {@code aurora-ax1}, names vendor and model), or an explicit list.
     */
    public record Group(@Size(min = 1, max = 64) String vendor,
                        @Size(max = 200_000) List<@Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "is not a meter id") String> meterIds) {
    }

    /** What each fire does: a {@link ScheduledWork} kind and its parameters. */
    public record Job(@NotBlank @Size(max = 64) String kind, JsonNode parameters) {
    }

    public String zone() {
        return timeZone == null ? "UTC" : timeZone;
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }
}
