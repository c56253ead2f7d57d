package org.amihes.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP relay in front of a peer that records every byte each way, per connection: the whole exchange of a
 * session, however long (our client's exchange log keeps only its last frames). Listens on 127.0.0.1 only; every
 * thread ends when its socket closes, and {@link #close()} closes them all.
 */
final class WireTap implements AutoCloseable {

    /** One relayed connection: what the client sent and what the peer answered, in order. */
    static final class Capture {
        private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        private final ByteArrayOutputStream fromPeer = new ByteArrayOutputStream();
        private final CountDownLatch ended = new CountDownLatch(2);

        synchronized byte[] fromClient() {
            return fromClient.toByteArray();
        }

        synchronized byte[] fromPeer() {
            return fromPeer.toByteArray();
        }

        private synchronized void record(boolean client, byte[] b, int n) {
            (client ? fromClient : fromPeer).write(b, 0, n);
        }

        /** Waits until both directions closed (the session released and dropped its link). */
        Capture awaitEnd(Duration timeout) throws InterruptedException {
            if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the relayed connection did not close within " + timeout);
            }
            return this;
        }

        /** The wrapper PDUs (IEC 62056-47) the peer sent: the APDU of each, header removed. */
        List<byte[]> peerApdus() {
            return wrapperApdus(fromPeer(), false);
        }

        /** The same while the connection is still open: a PDU not yet wholly received is left out. */
        List<byte[]> peerApdusSoFar() {
            return wrapperApdus(fromPeer(), true);
        }

        static List<byte[]> wrapperApdus(byte[] stream, boolean partialTailAllowed) {
            List<byte[]> apdus = new ArrayList<>();
            int at = 0;
            while (at < stream.length) {
                if (partialTailAllowed && stream.length - at < Acse.WRAPPER_HEADER) {
                    break;
                }
                if (stream.length - at < Acse.WRAPPER_HEADER || stream[at] != 0x00 || stream[at + 1] != 0x01) {
                    throw new AssertionError("not a wrapper header at byte " + at);
                }
                int length = ((stream[at + 6] & 0xFF) << 8) | (stream[at + 7] & 0xFF);
                int end = at + Acse.WRAPPER_HEADER + length;
                if (end > stream.length) {
                    if (partialTailAllowed) {
                        break;
                    }
                    throw new AssertionError("wrapper PDU at byte " + at + " declares " + length + " bytes, "
                            + (stream.length - at - Acse.WRAPPER_HEADER) + " follow");
                }
                apdus.add(Arrays.copyOfRange(stream, at + Acse.WRAPPER_HEADER, end));
                at = end;
            }
            return apdus;
        }
    }

    private final ServerSocket listener;
    private final int peerPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Capture> captures = new CopyOnWriteArrayList<>();

    private WireTap(ServerSocket listener, int peerPort) {
        this.listener = listener;
        this.peerPort = peerPort;
    }

    /** Relays 127.0.0.1:{@link #port()} to 127.0.0.1:{@code peerPort}. */
    static WireTap start(int peerPort) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName(Loopback.HOST), 0));
        WireTap tap = new WireTap(listener, peerPort);
        Thread accept = new Thread(tap::acceptLoop, "wiretap-accept-" + peerPort);
        accept.setDaemon(true);
        accept.start();
        return tap;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The capture of the most recent connection. */
    Capture last() {
        if (captures.isEmpty()) {
            throw new AssertionError("nothing connected through the wire tap");
        }
        return captures.get(captures.size() - 1);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) { // ends when close() closes the listener
            try {
                Socket client = listener.accept();
                Socket peer = new Socket(Loopback.HOST, peerPort);
                sockets.add(client);
                sockets.add(peer);
                Capture capture = new Capture();
                captures.add(capture);
                pump(client, peer, capture, true);
                pump(peer, client, capture, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, Capture capture, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[8192];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(b)) >= 0) { // ends at end of stream or when a socket closes
                    capture.record(fromClient, b, n);
                    out.write(b, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed: the connection is over
            } finally {
                closeQuietly(to);
                closeQuietly(from);
                capture.ended.countDown();
            }
        }, "wiretap-" + (fromClient ? "client" : "peer") + "-" + peerPort);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(WireTap::closeQuietly);
    }
}
