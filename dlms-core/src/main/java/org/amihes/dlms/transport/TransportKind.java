package org.amihes.dlms.transport;

import gurux.dlms.enums.InterfaceType;

/** How a meter is reached: medium plus data-link framing. */
public enum TransportKind {
    /** IEC 62056-47 wrapper over TCP, port 4059 */
    TCP_WRAPPER(InterfaceType.WRAPPER),
    /** IEC 62056-46 HDLC over a TCP stream (serial gateways, optical-probe adapters) */
    TCP_HDLC(InterfaceType.HDLC),
    /** IEC 62056-47 wrapper over UDP, port 4059 */
    UDP_WRAPPER(InterfaceType.WRAPPER);

    private final InterfaceType framing;

    TransportKind(InterfaceType framing) {
        this.framing = framing;
    }

    public InterfaceType framing() {
        return framing;
    }
}
