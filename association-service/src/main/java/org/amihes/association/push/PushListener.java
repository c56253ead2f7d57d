package org.amihes.association.push;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.amihes.association.AssociationConfig;
import org.amihes.association.MeterSessions;
import org.amihes.dlms.PushDecoder;
import org.amihes.dlms.failure.DlmsException;
import org.jboss.logging.Logger;

/**
 * The push listener: meters connect (TCP) or send datagrams (UDP) to {@code hes.push.port} (4059) with wrapper frames
 * (HDLC frames over TCP too) carrying DataNotifications and EventNotifications; each whole frame goes to
 * {@link PushIntake}. Memory stays bounded in a storm: at most {@code hes.push.max-connections} TCP connections are open
 * (one beyond is closed as soon as it is accepted, and counted: {@code hes_push_connections_refused_total}); at most
 * {@code hes.push.max-in-flight} notifications are being handled at once; beyond that a TCP connection is paused (no
 * more reads: the meter's bytes wait in the kernel and its sender slows down), and a UDP datagram is dropped and
 * counted ({@code hes_push_udp_dropped_total}). Notifications
 * pushed inside associations the head-end has open (dlms-core's sessions hand them over) go to the intake too.
 */
@ApplicationScoped
public class PushListener {

    private static final Logger LOG = Logger.getLogger(PushListener.class);

    private final Vertx vertx;
    private final AssociationConfig.Push config;
    private final PushIntake intake;
    private final PushMetrics metrics;
    private final MeterSessions sessions;
    /** TCP connections paused for want of an in-flight slot, in the order they asked. */
    private final Queue<Connection> waiting = new ConcurrentLinkedQueue<>();
    private NetServer server;
    private DatagramSocket udp;
    private volatile int port = -1;

    public PushListener(Vertx vertx, AssociationConfig config, PushIntake intake, PushMetrics metrics,
                        MeterSessions sessions) {
        this.vertx = vertx;
        this.config = config.push();
        this.intake = intake;
        this.metrics = metrics;
        this.sessions = sessions;
    }

    void onStart(@Observes @Priority(20) StartupEvent event) throws Exception {
        sessions.onNotification(intake::acceptFromSession);
        if (!config.enabled()) {
            LOG.info("push listener disabled (hes.push.enabled=false)");
            return;
        }
        server = vertx.createNetServer(new NetServerOptions().setHost(config.host()).setPort(config.port())
                .setAcceptBacklog(config.acceptBacklog())
                .setIdleTimeout((int) config.idleTimeout().toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS))
                .connectHandler(this::accept);
        port = server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
        if (config.udp()) {
            udp = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(4 << 20));
            udp.handler(packet -> datagram(packet.data(), packet.sender().hostAddress()));
            udp.listen(port, config.host()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        LOG.infof("push listener on %s:%d (TCP%s), at most %d TCP connections and %d notifications in flight",
                config.host(), port, config.udp() ? " and UDP" : "", config.maxConnections(), config.maxInFlight());
    }

    /** The port listened on (the configured one, or the one picked for port 0); -1 when not listening. */
    public int port() {
        return port;
    }

    private void accept(NetSocket socket) {
        if (!metrics.tryConnection(config.maxConnections())) {
            socket.close(); // counted (hes_push_connections_refused_total); the meter pushes again later
            return;
        }
        Connection c = new Connection(socket, Vertx.currentContext());
        socket.handler(c::onData);
        socket.closeHandler(v -> c.onClosed());
        socket.exceptionHandler(e -> LOG.debugf("push connection from %s: %s", c.host, e.getMessage()));
    }

    private void datagram(Buffer data, String host) {
        if (!metrics.tryAcquire(config.maxInFlight())) {
            metrics.udpDropped();
            return;
        }
        intake.accept(data.getBytes(), host, "UDP").onComplete(x -> released());
    }

    /** A notification finished: its slot goes to the connection that waited longest. */
    private void released() {
        metrics.release();
        Connection next = waiting.poll();
        if (next != null) {
            next.context.runOnContext(v -> next.pump());
        }
    }

    /** One meter's TCP connection: splits the byte stream into whole frames and hands them on within the bound. */
    private final class Connection {
        final NetSocket socket;
        final Context context;
        final String host;
        final ArrayDeque<byte[]> ready = new ArrayDeque<>();
        byte[] partial = new byte[0];
        boolean paused;
        boolean queued;
        boolean closed;

        Connection(NetSocket socket, Context context) {
            this.socket = socket;
            this.context = context;
            this.host = socket.remoteAddress().hostAddress();
        }

        void onData(Buffer data) {
            metrics.buffered(data.length());
            byte[] bytes = partial.length == 0 ? data.getBytes() : concat(partial, data.getBytes());
            int at = 0;
            try {
                int length;
                while ((length = PushDecoder.frameLength(bytes, at, bytes.length)) > 0) {
                    ready.add(Arrays.copyOfRange(bytes, at, at + length));
                    at += length;
                }
            } catch (DlmsException notAFrame) {
                // nothing to resynchronise on: what came is audited as it is, and the connection is closed
                ready.add(Arrays.copyOfRange(bytes, at, bytes.length));
                at = bytes.length;
                socket.close();
            }
            partial = at == bytes.length ? new byte[0] : Arrays.copyOfRange(bytes, at, bytes.length);
            if (partial.length > PushDecoder.MAX_FRAME) {
                metrics.buffered(-partial.length);
                partial = new byte[0];
                socket.close();
            }
            pump();
        }

        /** Hands on ready frames while slots are free; pauses reading when none is. */
        void pump() {
            queued = false;
            while (!ready.isEmpty()) {
                if (!metrics.tryAcquire(config.maxInFlight())) {
                    if (!paused && !closed) {
                        socket.pause();
                        paused = true;
                    }
                    if (!queued) {
                        queued = true;
                        waiting.add(this);
                    }
                    return;
                }
                byte[] frame = ready.poll();
                metrics.buffered(-frame.length);
                intake.accept(frame, host, "TCP").onComplete(x -> released());
            }
            if (paused && !closed) {
                paused = false;
                socket.resume();
            }
        }

        void onClosed() {
            closed = true;
            metrics.connectionClosed();
            if (partial.length > 0) {
                // an incomplete last frame: audited as what it is (malformed), never silently lost
                ready.add(partial);
                partial = new byte[0];
                pump();
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
        if (udp != null) {
            udp.close();
        }
    }
}
