package org.amihes.dlms;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.amihes.dlms.transport.TcpTransport;
import org.amihes.dlms.transport.Transport;
import org.amihes.dlms.transport.TransportKind;

/** The transports a head-end holds, one shared instance per medium. */
public final class Transports {

    private final Transport tcp;

    public Transports(Vertx vertx, Duration connectTimeout) {
        this.tcp = new TcpTransport(vertx, connectTimeout);
    }

    public Transport forKind(TransportKind kind) {
        return switch (kind) {
            case TCP_WRAPPER, TCP_HDLC -> tcp;
        };
    }
}
