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
import java.util.Set;
import java.util.TreeSet;

/**
 * Command line: runs a simulated fleet until killed.
 *
 * <pre>
 * java -jar meter-simulator.jar [--meters 50] [--profiles aurora-ax1,borealis-b7,corvus-c3] [--seed 42]
 *      [--first-host 127.1.0.1] [--port 4059] [--bind 0.0.0.0] [--fleet fleet.json]
 *      [--fleet-out fleet.json] [--registry-out meter_registry.json] [--keys-out meter_keys.json]
 *      [--security-profiles-out security_profiles.json]
 *      [--udp false] [--latency-ms 0 --jitter-ms 0] [--drop 0] [--loss 0] [--malformed 0]
 *      [--push-to HOST:PORT [--push-channel tcp|udp] [--push-every-s 0]]
 * </pre>
 * {@code --push-to} makes every meter push its SCHEDULE push setup to the head-end's push listener, on its vendor's
 * period ({@code push.intervalSeconds}) or every {@code --push-every-s} seconds.
 * {@code --fleet} reads a fleet file instead of generating one. With {@code --security-profiles-out}, the registry's
 * meters name their vendor's security profile (management association, keys from {@code --keys-out}). {@code --udp true} also answers the wrapper over UDP
 * (one socket per wrapper meter). Faults apply to every meter: {@code --latency-ms}/{@code --jitter-ms} delay each
 * answer by a normal draw (like {@code netem delay 100ms 20ms}); {@code --drop}, {@code --loss} and
 * {@code --malformed} are per-answer probabilities of closing the connection, not answering, or corrupting the APDU.
 */
public final class SimulatorMain {

    private static final Set<String> OPTIONS = Set.of("meters", "profiles", "seed", "first-host", "port", "bind",
            "fleet", "fleet-out", "registry-out", "keys-out", "security-profiles-out", "udp", "latency-ms", "jitter-ms", "drop", "loss", "malformed",
            "push-to", "push-channel", "push-every-s");

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
        if (opts.containsKey("keys-out")) {
            fleet.writeKeys(Path.of(opts.get("keys-out")));
        }
        if (opts.containsKey("security-profiles-out")) {
            fleet.writeSecurityProfiles(Path.of(opts.get("security-profiles-out")));
        }
        if (opts.containsKey("registry-out")) {
            // with security profiles, the registry names them: the head-end reads over the management association
            fleet.writeRegistry(Path.of(opts.get("registry-out")), opts.containsKey("security-profiles-out"));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        Faults faults = new Faults(number(opts, "latency-ms"), number(opts, "jitter-ms"), number(opts, "drop"),
                number(opts, "loss"), number(opts, "malformed"));
        SimulatorOptions options = SimulatorOptions.DEFAULTS
                .withUdp(Boolean.parseBoolean(opts.getOrDefault("udp", "false"))).withFaults(faults);
        FleetSimulator started = FleetSimulator.start(vertx, fleet, Clock.systemUTC(), opts.getOrDefault("bind", "0.0.0.0"),
                options).toCompletionStage().toCompletableFuture().get();
        if (opts.containsKey("push-to")) {
            // meters push their SCHEDULE push setup to the head-end's listener, each on its vendor's period (or this one)
            String[] to = opts.get("push-to").split(":");
            FleetSimulator sim = started;
            sim.pushes().target(new MeterPushes.Target(to[0], Integer.parseInt(to[1]),
                    MeterPushes.Channel.valueOf(opts.getOrDefault("push-channel", "tcp").toUpperCase(java.util.Locale.ROOT))));
            long every = Long.parseLong(opts.getOrDefault("push-every-s", "0"));
            sim.pushes().schedule(every > 0 ? java.time.Duration.ofSeconds(every) : null);
            System.out.printf("meter-simulator: pushing to %s over %s%n", opts.get("push-to"),
                    opts.getOrDefault("push-channel", "tcp"));
        }
        Map<String, Long> perProfile = new java.util.TreeMap<>();
        fleet.meters().forEach(m -> perProfile.merge(m.profile(), 1L, Long::sum));
        MeterSpec first = fleet.meters().get(0);
        MeterSpec last = fleet.meters().get(fleet.meters().size() - 1);
        System.out.printf("meter-simulator: %d meters listening (%s)%s, first %s:%d, last %s:%d, faults %s%n",
                fleet.meters().size(), perProfile, options.udp() ? " on TCP and UDP" : "", first.host(), first.port(),
                last.host(), last.port(), faults);
        Runtime.getRuntime().addShutdownHook(new Thread(vertx::close));
        Thread.currentThread().join();
    }

    private static double number(Map<String, String> opts, String name) {
        return Double.parseDouble(opts.getOrDefault(name, "0"));
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got " + Arrays.toString(args));
            }
            String name = args[i].substring(2);
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + new TreeSet<>(OPTIONS));
            }
            opts.put(name, args[i + 1]);
        }
        return opts;
    }
}
