package org.amihes.interop;

import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Loopback-only helpers shared by the interop tests. */
final class Loopback {

    static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    /** A TCP port free on every interface right now (jDLMS binds the wildcard address). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            return s.getLocalPort();
        }
    }

    static <T> T await(Future<T> f) throws ExecutionException, InterruptedException, TimeoutException {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** The failure a future ended with, or an AssertionError if it succeeded or timed out. */
    static Throwable failureOf(Future<?> f) throws InterruptedException, TimeoutException {
        try {
            Object value = await(f);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
