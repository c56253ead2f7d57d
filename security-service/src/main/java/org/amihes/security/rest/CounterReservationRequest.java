package org.amihes.security.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.amihes.security.domain.CounterWindow;

/**
 * Body of a reservation.
 *
 * @param count   how many counters the holder wants (a read association uses a handful, an image transfer one per
 *                block)
 * @param atLeast the lowest first counter the holder can use, e.g. the meter's frame counter + 1 after a
 *                resynchronisation; 1 when the holder has no such bound (a meter's first counter)
 */
public record CounterReservationRequest(
        @NotNull @Min(1) @Max(1_000_000) Integer count,
        @Min(1) @Max(CounterWindow.COUNTER_SPACE - 1) Long atLeast) {

    long atLeastOrOne() {
        return atLeast == null ? 1 : atLeast;
    }
}
