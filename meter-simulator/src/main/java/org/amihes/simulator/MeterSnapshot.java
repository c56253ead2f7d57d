package org.amihes.simulator;

import java.time.Duration;

/**
 * What one meter remembers across connections, at one moment ({@link FleetSimulator#meterState(String)}).
 *
 * @param firmwareVersion     identifier of the installed image (what 1.0.0.2.0.255 reports)
 * @param flashWrites         image blocks written to flash since the simulator started, all transfers together
 * @param imageTransferStatus image_transfer_status (0 not initiated ... 6 activation successful, 7 failed)
 * @param imagesActivated     successful image activations
 * @param controlState        disconnect control_state: 0 disconnected, 1 connected, 2 ready for reconnection
 * @param controlMode         disconnect control_mode (0..6)
 * @param relayOperations     times the output (relay) actually switched
 * @param disconnectorCommands remote_disconnect and remote_reconnect invocations the meter received (a command that
 *                            found the meter already there may switch nothing but is still counted)
 * @param clockOffset         how far a client moved the meter's clock from the simulator's clock
 * @param sessions            connections (TCP) and UDP associations opened to the meter
 * @param mostConcurrent      the most associations a client had open with the meter at the same time over TCP; one
 *                            counts from the connection's accept until the meter sends its release response (RLRE) or
 *                            the connection closes, and overlaps a later one only when it gets a request after the
 *                            later one's accept (counted at once) or stays open 2 s after it (counted then): a close
 *                            and the next accept reach the simulator in either order ({@link AssociationOverlap})
 * @param associationsByClient associations established (HLS: proof accepted), by client SAP (16 public, 32 LLS, 1 management HLS)
 */
public record MeterSnapshot(String meterId, String firmwareVersion, long flashWrites, int imageTransferStatus,
                            long imagesActivated, int controlState, int controlMode, long relayOperations,
                            Duration clockOffset, long sessions, int mostConcurrent,
                            java.util.Map<Integer, Long> associationsByClient, long disconnectorCommands) {

    /** output_state of the disconnect control: the consumer is supplied only when connected. */
    public boolean outputState() {
        return controlState == DisconnectState.CONNECTED;
    }
}
