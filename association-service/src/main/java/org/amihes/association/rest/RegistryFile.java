package org.amihes.association.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/** The {@code meter_registry.json} format: {@code {"meters": [ MeterEntry, ... ]}}. */
public record RegistryFile(@NotNull List<@Valid @NotNull MeterEntry> meters) {

    public List<org.amihes.association.domain.Meter> toMeters() {
        return meters.stream().map(MeterEntry::toMeter).toList();
    }
}
