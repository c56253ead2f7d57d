package org.amihes.contracts;

import java.time.Instant;

/**
 * The outcome of {@link WriteTariff}.
 *
 * @param calendarNameBefore the passive calendar's name as read first
 * @param written            whether the passive calendar was written (false: it held this tariff already)
 * @param activateAt         when the meter activates it, as read back after the write (or first, when not written)
 */
public record TariffState(String calendarNameBefore, boolean written, Instant activateAt) implements CommandOutcome {
}
