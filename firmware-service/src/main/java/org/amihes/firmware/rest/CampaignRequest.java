package org.amihes.firmware.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.amihes.service.registry.MeterGroup;

/**
 * A campaign: the image, and either {@code meterIds} or a {@code group} (service-commons {@link MeterGroup}, the
 * definition schedules use too: meter ids, or a filter on firmware-service's registry view by {@code vendor} — the
 * registry's device type, which must be the image's model — and/or {@code tags}).
 *
 * @param concurrency meters in flight at once (default 100)
 * @param batchSize   meters started per tick (default 100)
 * @param window      maintenance window, UTC "HH:MM" (may cross midnight); absent: any time
 */
public record CampaignRequest(
        @NotNull UUID imageId,
        @Size(min = 1, max = MeterGroup.MAX_IDS) List<@Pattern(regexp = MeterGroup.ID, message = MeterGroup.ID_MESSAGE) String> meterIds,
        @Valid MeterGroup group,
        @Min(1) @Max(10_000) Integer concurrency,
        @Min(1) @Max(10_000) Integer batchSize,
        @Valid Window window) {

    public record Window(
            @NotNull @Pattern(regexp = "([01]\\d|2[0-3]):[0-5]\\d", message = "must be HH:MM (UTC)") String start,
            @NotNull @Pattern(regexp = "([01]\\d|2[0-3]):[0-5]\\d", message = "must be HH:MM (UTC)") String end) {
    }
}
