package org.amihes.dlms.transport;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;

/** An open path to one meter: bytes out, bytes in, and notice when the peer goes away. */
public interface Link {

    void send(Buffer frame);

    /** Receives bytes as they arrive; framing is the session's job (Gurux parses wrapper and HDLC frames). */
    void handler(Handler<Buffer> handler);

    /** Called once when the peer closes or the link fails. */
    void closeHandler(Handler<Void> handler);

    Future<Void> close();

    /** This end's address and port, as the socket has it; null when unknown. */
    default SocketAddress localAddress() {
        return null;
    }

    /** The meter's address and port; null when unknown. */
    default SocketAddress remoteAddress() {
        return null;
    }
}
