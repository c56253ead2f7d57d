package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a command produced when it succeeded; one record per {@link MeterCommand}, tagged with the same type name. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = RegisterReadings.class, name = ReadRegisters.TYPE),
        @JsonSubTypes.Type(value = KeysInstalled.class, name = "keys-installed"),
        @JsonSubTypes.Type(value = RelayState.class, name = "relay-state"),
        @JsonSubTypes.Type(value = ClockState.class, name = "clock-state"),
        @JsonSubTypes.Type(value = TariffState.class, name = "tariff-state"),
        @JsonSubTypes.Type(value = FirmwareState.class, name = "firmware-state"),
        @JsonSubTypes.Type(value = ImageBlocks.class, name = "image-blocks"),
        @JsonSubTypes.Type(value = ImageStatus.class, name = "image-status"),
        @JsonSubTypes.Type(value = ProfileIntervals.class, name = ReadProfile.TYPE),
        @JsonSubTypes.Type(value = InteropProbed.class, name = InteropProbe.TYPE)})
public sealed interface CommandOutcome permits RegisterReadings, KeysInstalled, RelayState, ClockState, TariffState,
        FirmwareState, ImageBlocks, ImageStatus, ProfileIntervals, InteropProbed {
}
