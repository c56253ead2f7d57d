package org.amihes.security.rest;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of {@code POST /keys/export}: which meters, and the operator's AES key (hex, 16, 24 or 32 bytes) that wraps
 * every exported key. The key is used for this export only: neither stored nor logged.
 */
public record EscrowRequest(
        @NotEmpty @Size(max = 100_000) List<@NotNull @Pattern(regexp = InvocationCounterResource.ID) String> meterIds,
        @NotNull @Pattern(regexp = "[0-9A-Fa-f]{32}|[0-9A-Fa-f]{48}|[0-9A-Fa-f]{64}",
                message = "must be an AES key of 16, 24 or 32 bytes in hex") String wrappingKey) {

    @Override
    public String toString() {
        // also called while the request is being validated, when meterIds may be missing
        return "EscrowRequest[" + (meterIds == null ? "no" : meterIds.size()) + " meters]";
    }
}
