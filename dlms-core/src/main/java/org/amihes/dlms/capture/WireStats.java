package org.amihes.dlms.capture;

/**
 * Bytes on the wire against application payload, for everything one meter exchanged (all its links together).
 *
 * @param links          connections (TCP) or sockets (UDP) opened
 * @param segments       TCP segments (or UDP datagrams) carrying data, both directions, as the sockets handed
 *                       them over (the kernel may have split or merged them on the wire)
 * @param payloadBytes   TCP (or UDP) payload bytes, both directions: the DLMS wrapper headers or HDLC frames with
 *                       the APDUs they carry
 * @param frames         wrapper or HDLC frames, both directions (HDLC link frames SNRM, UA, RR, DISC included)
 * @param apduBytes      the application payload: APDU bytes carried by those frames (HDLC: the LLC header left out)
 * @param ipHeaderBytes  the IPv4/IPv6 and TCP/UDP headers of the data segments (20 + 20, or 20 + 8 for UDP; 40 for
 *                       IPv6), without handshakes, pure ACKs or link-layer headers: a lower bound
 */
public record WireStats(long links, long segments, long payloadBytes, long frames, long apduBytes, long ipHeaderBytes) {

    public static final WireStats NONE = new WireStats(0, 0, 0, 0, 0, 0);

    /** Framing bytes: wrapper headers, or HDLC flags, addresses, control, checksums and LLC headers. */
    public long framingBytes() {
        return payloadBytes - apduBytes;
    }

    /** Bytes on the wire (headers from IP up) per APDU byte; 0 when nothing was carried. */
    public double overhead() {
        return apduBytes == 0 ? 0 : (double) (payloadBytes + ipHeaderBytes) / apduBytes;
    }
}
