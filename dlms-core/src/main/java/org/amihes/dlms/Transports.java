package org.amihes.dlms;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.amihes.dlms.capture.LinkTaps;
import org.amihes.dlms.capture.TappedTransport;
import org.amihes.dlms.transport.TcpTransport;
import org.amihes.dlms.transport.Transport;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.dlms.transport.UdpTransport;

/** The transports a head-end holds, one shared instance per medium. */
public final class Transports {

    private final Transport tcp;
    private final Transport udp;
    /** null: links are not tapped (the head-end's reading path) */
    private final LinkTaps taps;

    public Transports(Vertx vertx, Duration connectTimeout) {
        this(new TcpTransport(vertx, connectTimeout), new UdpTransport(vertx), null);
    }

    private Transports(Transport tcp, Transport udp, LinkTaps taps) {
        this.tcp = tcp;
        this.udp = udp;
        this.taps = taps;
    }

    /**
     * The same transports (same sockets' client) with every link reporting its bytes to {@code taps}: a capture of
     * one meter's traffic. This instance stays as it is: sessions opened through it are not tapped and pay nothing.
     */
    public Transports tapped(LinkTaps newTaps) {
        return new Transports(tcp, udp, newTaps);
    }

    public Transport forKind(TransportKind kind) {
        Transport t = switch (kind) {
            case TCP_WRAPPER, TCP_HDLC -> tcp;
            case UDP_WRAPPER -> udp;
        };
        return taps == null ? t : new TappedTransport(t, kind, taps);
    }
}
