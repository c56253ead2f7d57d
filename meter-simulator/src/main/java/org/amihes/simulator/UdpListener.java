package org.amihes.simulator;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The IEC 62056-47 wrapper over UDP for a share of the fleet: one datagram socket per meter address (a socket bound
 * to 0.0.0.0 could not tell which meter was addressed), one Gurux server per remote address and port, forgotten
 * after an idle time. Everything of one instance runs on its event loop, so nothing here needs locking; undeploying
 * closes the sockets and timers.
 */
final class UdpListener extends AbstractVerticle {

    private static final System.Logger LOG = System.getLogger(UdpListener.class.getName());

    private final FleetSimulator simulator;
    private final List<MeterSpec> meters;
    private final long idleMillis;

    UdpListener(FleetSimulator simulator, List<MeterSpec> meters, long idleMillis) {
        this.simulator = simulator;
        this.meters = meters;
        this.idleMillis = idleMillis;
    }

    @Override
    public void start(Promise<Void> started) {
        List<Future<?>> listening = new ArrayList<>();
        for (MeterSpec m : meters) {
            listening.add(new Endpoint(m.host(), m.port()).socket.listen(m.port(), m.host()));
        }
        Future.all(listening).<Void>mapEmpty().onComplete(started);
    }

    private final class Endpoint {
        final String host;
        final int port;
        final DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions());
        final Map<String, Session> sessions = new HashMap<>();
        long sweeper = -1;

        Endpoint(String host, int port) {
            this.host = host;
            this.port = port;
            socket.handler(this::received);
        }

        void received(DatagramPacket packet) {
            MeterSpec spec = simulator.meterAt(host, port);
            String peerHost = packet.sender().hostAddress();
            int peerPort = packet.sender().port();
            String peer = peerHost + ":" + peerPort;
            if (spec == null || (spec.fault() == MeterSpec.Fault.SILENT || spec.fault() == MeterSpec.Fault.DROP)) {
                sessions.remove(peer); // SILENT and DROP: no answer; DROP also forgets the association
                return;
            }
            Session session = sessions.computeIfAbsent(peer, k -> new Session(simulator.newConnection(spec, vertx)));
            session.lastSeen = System.nanoTime();
            byte[] reply;
            try {
                reply = session.connection.meter().answer(packet.data().getBytes());
            } catch (Exception e) {
                LOG.log(Level.WARNING, "meter " + spec.meterId() + " failed on a UDP request; forgetting " + peer, e);
                sessions.remove(peer);
                return;
            }
            if (reply != null && reply.length > 0) {
                session.connection.faults().answer(reply, out -> socket.send(Buffer.buffer(out), peerPort, peerHost),
                        () -> sessions.remove(peer));
            }
            if (sweeper < 0) {
                sweeper = vertx.setPeriodic(Math.max(50, idleMillis / 4), t -> sweep());
            }
        }

        /** Forgets idle associations; stops once none is left, so an idle fleet costs no timers. */
        void sweep() {
            long now = System.nanoTime();
            for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
                if ((now - it.next().lastSeen) / 1_000_000 >= idleMillis) {
                    it.remove();
                }
            }
            if (sessions.isEmpty()) {
                vertx.cancelTimer(sweeper);
                sweeper = -1;
            }
        }
    }

    private static final class Session {
        final FleetSimulator.Connection connection;
        long lastSeen;

        Session(FleetSimulator.Connection connection) {
            this.connection = connection;
        }
    }
}
