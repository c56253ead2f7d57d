package org.amihes.dlms.transport;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

/**
 * UDP with the IEC 62056-47 wrapper: one datagram per APDU. Each session gets its own ephemeral socket, so
 * answers are told apart by socket, not by parsing. UDP has no connection: a dead meter shows as silence, which
 * the session's response timeout turns into a NETWORK failure.
 */
public final class UdpTransport implements Transport {

    private final Vertx vertx;

    public UdpTransport(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Future<Link> connect(String host, int port) {
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(host.contains(":")));
        String bindHost = host.contains(":") ? "::" : "0.0.0.0";
        return socket.listen(0, bindHost).map(s -> new UdpLink(s, host, port));
    }

    private static final class UdpLink implements Link {
        private final DatagramSocket socket;
        private final String host;
        private final int port;
        private Handler<Void> closeHandler;
        private boolean closed;

        UdpLink(DatagramSocket socket, String host, int port) {
            this.socket = socket;
            this.host = host;
            this.port = port;
        }

        @Override
        public void send(Buffer frame) {
            socket.send(frame, port, host);
        }

        @Override
        public void handler(Handler<Buffer> handler) {
            // Only the meter's own address and port count; anything else reaching this socket is ignored.
            socket.handler(packet -> {
                if (packet.sender().port() == port && packet.sender().hostAddress().equals(host)) {
                    handler.handle(packet.data());
                }
            });
        }

        @Override
        public void closeHandler(Handler<Void> handler) {
            this.closeHandler = handler;
        }

        @Override
        public Future<Void> close() {
            if (closed) {
                return Future.succeededFuture();
            }
            closed = true;
            return socket.close().onComplete(ar -> {
                if (closeHandler != null) {
                    closeHandler.handle(null);
                }
            });
        }
    }
}
