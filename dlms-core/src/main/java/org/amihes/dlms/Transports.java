package org.amihes.dlms;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.amihes.dlms.transport.TcpTransport;
import org.amihes.dlms.transport.Transport;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.dlms.transport.UdpTransport;

/** The transports a head-end holds, one shared instance per medium. */
public final class Transports {

    private final Transport tcp;
    private final Transport udp;

    public Transports(Vertx vertx, Duration connectTimeout) {
        this.tcp = new TcpTransport(vertx, connectTimeout);
        this.udp = new UdpTransport(vertx);
    }

    public Transport forKind(TransportKind kind) {
        return switch (kind) {
            case TCP_WRAPPER, TCP_HDLC -> tcp;
            case UDP_WRAPPER -> udp;
        };
    }
}
