package org.amihes.simulator;

import java.time.Duration;

/**
 * How a {@link FleetSimulator} serves its fleet beyond TCP.
 *
 * @param udp             also answer the IEC 62056-47 wrapper over UDP (wrapper meters only): one datagram socket
 *                        per meter address, off by default to keep file descriptors for big fleets
 * @param faults          fleet-wide faults from the start ({@link Faults#NONE} for none)
 * @param udpSessionIdle  a UDP association (one per remote address and port) is forgotten after this long unused
 */
public record SimulatorOptions(boolean udp, Faults faults, Duration udpSessionIdle) {

    public static final SimulatorOptions DEFAULTS = new SimulatorOptions(false, Faults.NONE, Duration.ofSeconds(60));

    public SimulatorOptions {
        if (faults == null || udpSessionIdle == null || udpSessionIdle.isNegative() || udpSessionIdle.isZero()) {
            throw new IllegalArgumentException("faults and a positive udpSessionIdle are required");
        }
    }

    public SimulatorOptions withUdp(boolean enabled) {
        return new SimulatorOptions(enabled, faults, udpSessionIdle);
    }

    public SimulatorOptions withFaults(Faults newFaults) {
        return new SimulatorOptions(udp, newFaults, udpSessionIdle);
    }

    public SimulatorOptions withUdpSessionIdle(Duration idle) {
        return new SimulatorOptions(udp, faults, idle);
    }
}
