package org.amihes.association.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.amihes.association.domain.Meter;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.service.registry.MeterGroup;

/** One meter as clients write it (PUT /meters/{id}, and each entry of meter_registry.json). */
public record MeterEntry(
        @NotBlank @Pattern(regexp = MeterGroup.ID, message = "must be 1-64 letters, digits, '.', '_' or '-'")
        String meterId,
        @NotBlank @Size(max = 64) String vendor,
        @NotBlank @Size(max = 255) String host,
        @NotNull @Min(1) @Max(65535) Integer port,
        @NotNull TransportKind transport,
        @NotNull @Min(1) @Max(127) Integer clientAddress,
        @NotNull @Min(0) @Max(16383) Integer logicalDevice,
        @NotNull AuthenticationLevel authentication,
        @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must name a security profile: 1-64 letters, digits, '.', '_' or '-'")
        String securityProfile,
        @Size(max = 16, message = "at most 16 tags")
        List<@NotNull @Pattern(regexp = MeterGroup.TAG, message = "must be a tag: 1-64 letters, digits, '.', '_' or '-'") String> tags) {

    Meter toMeter() {
        return new Meter(meterId, vendor, host, port, transport, clientAddress, logicalDevice, authentication,
                securityProfile, tags);
    }
}
