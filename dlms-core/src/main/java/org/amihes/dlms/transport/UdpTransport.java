package org.amihes.dlms.transport;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;

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

        /** The socket listens on the wildcard address: the port is real, the address is the one a packet would leave from. */
        @Override
        public SocketAddress localAddress() {
            SocketAddress bound = socket.localAddress();
            try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
                probe.connect(java.net.InetAddress.getByName(host), port); // no packet: the kernel picks the route
                return SocketAddress.inetSocketAddress(bound.port(), probe.getLocalAddress().getHostAddress());
            } catch (java.io.IOException e) {
                return bound;
            }
        }

        @Override
        public SocketAddress remoteAddress() {
            return SocketAddress.inetSocketAddress(port, host);
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
