package org.amihes.security.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.amihes.security.domain.CounterWindow;

/**
 * Body of a batch of reservations: a window of {@code count} counters for each meter and key (at most {@link #MAX}).
 *
 * @param count        counters per window, the same for all (association-service reserves windows of one size)
 * @param reservations the meters and keys, each with its lowest usable counter as in {@link CounterReservationRequest}
 */
public record CounterReservationsRequest(
        @NotNull @Min(1) @Max(1_000_000) Integer count,
        @NotNull @Size(min = 1, max = MAX) List<@NotNull @Valid Reservation> reservations) {

    public static final int MAX = 1000;

    public record Reservation(
            @NotNull @Pattern(regexp = InvocationCounterResource.ID) String meterId,
            @NotNull @Pattern(regexp = InvocationCounterResource.ID) String keyId,
            @Min(1) @Max(CounterWindow.COUNTER_SPACE - 1) Long atLeast) {
    }
}
