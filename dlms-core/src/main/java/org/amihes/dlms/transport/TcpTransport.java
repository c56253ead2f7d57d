package org.amihes.dlms.transport;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;

/** TCP on Vert.x: one shared, non-blocking {@link NetClient} for every meter. Carries wrapper or HDLC frames. */
public final class TcpTransport implements Transport {

    private final NetClient client;

    public TcpTransport(Vertx vertx, Duration connectTimeout) {
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setTcpNoDelay(true));
    }

    @Override
    public Future<Link> connect(String host, int port) {
        return client.connect(port, host).map(TcpLink::new);
    }

    private static final class TcpLink implements Link {
        private final NetSocket socket;

        TcpLink(NetSocket socket) {
            this.socket = socket;
        }

        @Override
        public void send(Buffer frame) {
            socket.write(frame);
        }

        @Override
        public void handler(Handler<Buffer> handler) {
            socket.handler(handler);
        }

        @Override
        public void closeHandler(Handler<Void> handler) {
            socket.closeHandler(handler);
        }

        @Override
        public Future<Void> close() {
            return socket.close();
        }

        @Override
        public SocketAddress localAddress() {
            return socket.localAddress();
        }

        @Override
        public SocketAddress remoteAddress() {
            return socket.remoteAddress();
        }
    }
}
