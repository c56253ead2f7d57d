package org.amihes.service.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the services a test or benchmark starts: free now, and below the kernel's ephemeral range (32768 and up
 * on Linux). A port from {@code new ServerSocket(0)} is taken from that range, where the many outgoing connections a
 * loaded run opens can take it again before the service binds it ("port in use": a 100,000-meter benchmark lost
 * polling-service's port that way).
 */
public final class ListeningPorts {

    static final int FROM = 20_000;
    static final int TO = 32_000;

    private ListeningPorts() {
    }

    /** A port in [20000, 32000) nothing listens on now, tried from a random start. */
    public static int free() throws IOException {
        int span = TO - FROM;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = FROM + (start + i) % span;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress("0.0.0.0", port));
                return port;
            } catch (IOException inUse) {
                // the next one
            }
        }
        throw new IOException("no free port between " + FROM + " and " + TO);
    }
}
