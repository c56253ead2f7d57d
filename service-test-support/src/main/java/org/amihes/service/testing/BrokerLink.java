package org.amihes.service.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay between a service under test and the real RabbitMQ ({@link TestRabbit}'s host and port) that a
 * test can {@link #cut()}: every relayed connection is closed at once and new ones are closed as soon as they are
 * accepted, until {@link #mend()}. The service sees its broker connection lost and refused, as in a broker outage,
 * while the broker itself, other services and the test's own connections go on. Given to a Quarkus test by
 * {@link BrokerLinkResource}. {@link #to} relays to any other TCP service the same way (FirstReadIT cuts a service off
 * Keycloak with it).
 */
public final class BrokerLink implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean cut;
    private volatile boolean closed;

    private BrokerLink(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "broker-link-accept");
        t.setDaemon(true);
        t.start();
    }

    /** A relay to the test broker, listening on a free loopback port. */
    public static BrokerLink toTestBroker() throws IOException {
        var f = TestRabbit.factory();
        return new BrokerLink(f.getHost(), f.getPort());
    }

    /** A relay to any TCP service (e.g. the test Keycloak), listening on a free loopback port. */
    public static BrokerLink to(String host, int port) throws IOException {
        return new BrokerLink(host, port);
    }

    /** The loopback port to give the service as its RabbitMQ port. */
    public int port() {
        return server.getLocalPort();
    }

    /** Closes every relayed connection and refuses new ones until {@link #mend()}. */
    public void cut() {
        cut = true;
        closeAll();
    }

    /** Relays new connections again (the service's own recovery reconnects). */
    public void mend() {
        cut = false;
    }

    /** Connections accepted and closed at once while cut (the service's reconnection attempts). */
    public long refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                refused.incrementAndGet();
                quietly(client);
                continue;
            }
            Socket upstream;
            try {
                upstream = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                quietly(client);
                continue;
            }
            open.add(client);
            open.add(upstream);
            if (cut) { // cut while this one was being connected
                closeAll();
                continue;
            }
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // one side closed (or cut): the other goes too
            } finally {
                quietly(from);
                quietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "broker-link-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void closeAll() {
        for (Socket s : Set.copyOf(open)) {
            quietly(s);
            open.remove(s);
        }
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        quietly(server);
        closeAll();
    }

    private static void quietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
