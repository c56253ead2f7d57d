package org.amihes.contracts;

/**
 * The outcome of {@link Disconnect} and {@link Reconnect}: the disconnect control before and after.
 *
 * @param before  control_state read first: 0 disconnected, 1 connected, 2 ready for reconnection
 * @param after   control_state read after (the same as before when nothing was written)
 * @param output  output_state after: whether the customer is supplied
 * @param written whether the method was invoked (false: the meter was there already)
 */
public record RelayState(int before, int after, boolean output, boolean written) implements CommandOutcome {
}
