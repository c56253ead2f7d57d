package org.amihes.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line: runs a simulated fleet until killed.
 *
 * <pre>
 * java -jar meter-simulator.jar [--meters 50] [--profiles aurora-ax1,borealis-b7,corvus-c3] [--seed 42]
 *      [--first-host 127.1.0.1] [--port 4059] [--bind 0.0.0.0] [--fleet fleet.json]
 *      [--fleet-out fleet.json] [--registry-out meter_registry.json]
 * </pre>
 * {@code --fleet} reads a fleet file instead of generating one.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Fleet fleet = opts.containsKey("fleet") ? Fleet.read(Path.of(opts.get("fleet")))
                : Fleet.generate(Integer.parseInt(opts.getOrDefault("meters", "50")),
                        List.of(opts.getOrDefault("profiles", String.join(",", VendorProfile.WELL_BEHAVED)).split(",")),
                        Long.parseLong(opts.getOrDefault("seed", "42")),
                        opts.getOrDefault("first-host", "127.1.0.1"),
                        Integer.parseInt(opts.getOrDefault("port", String.valueOf(Fleet.DLMS_PORT))));
        if (opts.containsKey("fleet-out")) {
            fleet.write(Path.of(opts.get("fleet-out")));
        }
        if (opts.containsKey("registry-out")) {
            fleet.writeRegistry(Path.of(opts.get("registry-out")));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        FleetSimulator.start(vertx, fleet, Clock.systemUTC(), opts.getOrDefault("bind", "0.0.0.0"))
                .toCompletionStage().toCompletableFuture().get();
        Map<String, Long> perProfile = new java.util.TreeMap<>();
        fleet.meters().forEach(m -> perProfile.merge(m.profile(), 1L, Long::sum));
        System.out.printf("meter-simulator: %d meters listening (%s), first %s:%d, last %s:%d%n",
                fleet.meters().size(), perProfile, fleet.meters().get(0).host(), fleet.meters().get(0).port(),
                fleet.meters().get(fleet.meters().size() - 1).host(), fleet.meters().get(fleet.meters().size() - 1).port());
        Runtime.getRuntime().addShutdownHook(new Thread(vertx::close));
        Thread.currentThread().join();
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got " + Arrays.toString(args));
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        return opts;
    }
}
