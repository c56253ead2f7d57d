package org.amihes.dlms.capture;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import org.amihes.dlms.transport.Link;
import org.amihes.dlms.transport.Transport;
import org.amihes.dlms.transport.TransportKind;

/**
 * A transport whose links report their bytes to a {@link LinkTaps}. Only transports made for a capture are wrapped
 * (see {@code Transports#tapped}): the head-end's reading path keeps the bare transports and pays nothing.
 */
public final class TappedTransport implements Transport {

    private final Transport delegate;
    private final TransportKind kind;
    private final LinkTaps taps;

    public TappedTransport(Transport delegate, TransportKind kind, LinkTaps taps) {
        this.delegate = delegate;
        this.kind = kind;
        this.taps = taps;
    }

    @Override
    public Future<Link> connect(String host, int port) {
        return delegate.connect(host, port).map(link -> new TappedLink(link, taps.opened(kind, link.localAddress(),
                link.remoteAddress())));
    }

    private static final class TappedLink implements Link {
        private final Link link;
        private final LinkTap tap;
        private boolean closed;

        TappedLink(Link link, LinkTap tap) {
            this.link = link;
            this.tap = tap;
        }

        @Override
        public void send(Buffer frame) {
            tap.sent(frame.getBytes());
            link.send(frame);
        }

        @Override
        public void handler(Handler<Buffer> handler) {
            link.handler(data -> {
                tap.received(data.getBytes());
                handler.handle(data);
            });
        }

        @Override
        public void closeHandler(Handler<Void> handler) {
            link.closeHandler(v -> {
                closeOnce();
                handler.handle(v);
            });
        }

        @Override
        public Future<Void> close() {
            return link.close().onComplete(ar -> closeOnce());
        }

        private synchronized void closeOnce() {
            if (!closed) {
                closed = true;
                tap.closed();
            }
        }

        @Override
        public SocketAddress localAddress() {
            return link.localAddress();
        }

        @Override
        public SocketAddress remoteAddress() {
            return link.remoteAddress();
        }
    }
}
