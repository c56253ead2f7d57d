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
 *      [--udp false] [--latency-ms 0 --jitter-ms 0] [--drop 0] [--loss 0] [--malformed 0] [--state-out state.tsv]
 *      [--clock 2026-09-01T06:30:00Z] [--push-to HOST:PORT [--push-channel tcp|udp] [--push-every-s 0]]
 * </pre>
 * {@code --state-out}: when stopped (SIGTERM), writes each meter's firmware state, one line per meter, tab-separated:
 * meter id, installed firmware version, blocks written to flash, images activated (benchmarks check a campaign with it).
 * {@code --push-to} makes every meter push its SCHEDULE push setup to the head-end's push listener, on its vendor's
 * period ({@code push.intervalSeconds}) or every {@code --push-every-s} seconds.
 * {@code --fleet} reads a fleet file instead of generating one. With {@code --security-profiles-out}, the registry's
 * meters name their vendor's security profile (management association, keys from {@code --keys-out}). {@code --udp true} also answers the wrapper over UDP
 * (one socket per wrapper meter). Faults apply to every meter: {@code --latency-ms}/{@code --jitter-ms} delay each
 * answer by a normal draw (like {@code netem delay 100ms 20ms}); {@code --drop}, {@code --loss} and
 * {@code --malformed} are per-answer probabilities of closing the connection, not answering, or corrupting the APDU.
 * {@code --clock} stops the meters' clocks at that instant (their registers then hold the model's values for it, which a
 * test computes with {@link MeterModel}); without it they run on the system clock.
 */
public final class SimulatorMain {

    private static final Set<String> OPTIONS = Set.of("meters", "profiles", "seed", "first-host", "port", "bind",
            "fleet", "fleet-out", "registry-out", "keys-out", "security-profiles-out", "udp", "latency-ms", "jitter-ms", "drop", "loss", "malformed",
            "state-out", "clock", "push-to", "push-channel", "push-every-s");

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
        Clock clock = opts.containsKey("clock")
                ? Clock.fixed(java.time.Instant.parse(opts.get("clock")), java.time.ZoneOffset.UTC) : Clock.systemUTC();
        FleetSimulator simulator = FleetSimulator.start(vertx, fleet, clock,
                opts.getOrDefault("bind", "0.0.0.0"), options).toCompletionStage().toCompletableFuture().get();
        if (opts.containsKey("push-to")) {
            // meters push their SCHEDULE push setup to the head-end's listener, each on its vendor's period (or this one)
            String[] to = opts.get("push-to").split(":");
            FleetSimulator sim = simulator;
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
        String stateOut = opts.get("state-out");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stateOut != null) {
                writeState(simulator, fleet, Path.of(stateOut));
            }
            vertx.close();
        }));
        Thread.currentThread().join();
    }

    private static void writeState(FleetSimulator simulator, Fleet fleet, Path file) {
        StringBuilder out = new StringBuilder();
        for (MeterSpec m : fleet.meters()) {
            MeterSnapshot s = simulator.meterState(m.meterId());
            out.append(m.meterId()).append('\t').append(s.firmwareVersion()).append('\t').append(s.flashWrites())
                    .append('\t').append(s.imagesActivated()).append('\n');
        }
        try {
            Files.writeString(file, out);
        } catch (java.io.IOException e) {
            System.err.println("meter-simulator: cannot write " + file + ": " + e.getMessage());
        }
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
