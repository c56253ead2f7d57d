package org.amihes.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/** A Vert.x instance and a simulated fleet (one meter per built-in profile) on loopback, for one test class. */
final class Fixture implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-03-01T12:34:56Z");

    final Vertx vertx = Vertx.vertx();
    final FleetSimulator simulator;

    Fixture(String firstHost, SimulatorOptions options) throws Exception {
        Fleet fleet = Fleet.generate(VendorProfile.BUILT_IN.size(), VendorProfile.BUILT_IN, 42, firstHost, freePort());
        simulator = await(FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0", options));
    }

    /** The fleet's meter of {@code profile}. */
    MeterSpec meter(String profile) {
        return simulator.fleet().meters().stream().filter(m -> m.profile().equals(profile)).findFirst().orElseThrow();
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        simulator.close();
        await(vertx.close());
    }
}
