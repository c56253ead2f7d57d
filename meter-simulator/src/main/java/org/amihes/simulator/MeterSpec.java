package org.amihes.simulator;

/**
 * One simulated meter of a fleet: where it listens, which vendor it imitates and the numbers its data derive from.
 *
 * @param host         the loopback address the meter answers on (one per meter, e.g. 127.1.0.7)
 * @param logicalDevice DLMS server (logical device) address, 1 for the management logical device
 * @param llsPassword  the LLS secret of the meter's management association
 * @param initialWh    active energy import at {@link MeterModel#EPOCH}
 * @param averageLoadW constant average load: energy grows by this many Wh per hour
 * @param fault        fault injected on purpose, {@link Fault#NONE} for a healthy meter
 */
public record MeterSpec(String meterId, String profile, String host, int port, int logicalDevice, String serialNumber,
                        String llsPassword, long initialWh, long averageLoadW, Fault fault) {

    /** Faults a meter can be told to show. */
    public enum Fault {
        NONE,
        /** accepts the connection and never answers */
        SILENT,
        /** closes the connection as soon as it receives anything */
        DROP,
        /**
         * a passing fault: on its first connection since it became flaky (in the fleet it started with, or through
         * {@code FleetSimulator.update}), the meter associates and then loses the answer to the first data request (a
         * transient network loss); every later connection is served normally
         */
        FLAKY,
        /**
         * a hung association: every connection associates (AARE, over HDLC after the UA) and then the meter answers
         * nothing more, keeping the connection open, until the client gives up or closes it
         */
        HUNG
    }

    public MeterSpec withMeterId(String newMeterId) {
        return new MeterSpec(newMeterId, profile, host, port, logicalDevice, serialNumber, llsPassword, initialWh,
                averageLoadW, fault);
    }

    public MeterSpec withFault(Fault newFault) {
        return new MeterSpec(meterId, profile, host, port, logicalDevice, serialNumber, llsPassword, initialWh,
                averageLoadW, newFault);
    }
}
