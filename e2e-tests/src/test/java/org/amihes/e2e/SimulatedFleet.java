package org.amihes.e2e;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.amihes.simulator.Faults;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.SimulatorOptions;
import org.amihes.simulator.VendorProfile;

/** A simulated fleet with a per-answer latency, its registry file written for association-service, ids unique per run. */
final class SimulatedFleet implements AutoCloseable {

    private final Vertx vertx;
    private final FleetSimulator simulator;
    private final Path registry;

    private SimulatedFleet(Vertx vertx, FleetSimulator simulator, Path registry) {
        this.vertx = vertx;
        this.simulator = simulator;
        this.registry = registry;
    }

    static SimulatedFleet start(String name, int meters, String firstHost, double latencyMs, double jitterMs) throws Exception {
        Fleet fleet = Fleet.generate(meters, VendorProfile.WELL_BEHAVED, 11, firstHost, ServiceProcess.freePort())
                .withIdPrefix(name + "-" + UUID.randomUUID().toString().substring(0, 8) + "-");
        Vertx vertx = Vertx.vertx();
        FleetSimulator simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(Instant.parse("2026-09-01T06:30:00Z"),
                        ZoneOffset.UTC), "0.0.0.0", SimulatorOptions.DEFAULTS.withFaults(Faults.latency(latencyMs, jitterMs)))
                .toCompletionStage().toCompletableFuture().get();
        Path registry = Path.of("target", name + "-registry.json").toAbsolutePath();
        Files.createDirectories(registry.getParent());
        fleet.writeRegistry(registry);
        return new SimulatedFleet(vertx, simulator, registry);
    }

    Path registry() {
        return registry;
    }

    List<String> ids() {
        return simulator.fleet().meters().stream().map(MeterSpec::meterId).toList();
    }

    /** Sessions (associations) the meter has seen. */
    long sessions(String meterId) {
        return simulator.meterState(meterId).sessions();
    }

    /** The most connections to meters open at once, counted at the simulator, since the last reset. */
    int mostConnectionsOpen() {
        return simulator.mostFleetAssociationsOpen();
    }

    void resetMostConnectionsOpen() {
        simulator.resetMostFleetAssociationsOpen();
    }

    /** {@link FleetSimulator#onAccept}: the meter of each connection, as the simulator accepts it. */
    void onAccept(java.util.function.Consumer<String> listener) {
        simulator.onAccept(listener);
    }

    @Override
    public void close() throws Exception {
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
