package org.amihes.interop;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InMemoryInvocationCounterStore;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.capture.WireCapture;
import org.amihes.dlms.transport.TransportKind;

/**
 * The bench probe: one meter, the interoperability plan, a verdict. In the field manual's shape:
 * <pre>
 * ./hes probe --address 192.168.1.50 --port 4059 --system-title MTR001 --auth-level high --keys meter_keys.json
 * java -jar interop-core/target/interop-probe.jar --address ... (same options)
 * </pre>
 * Exit code 0 when no case failed, 1 when one did (the meter unreachable included), 2 for a wrong command line or
 * unreadable files (nothing was sent to the meter).
 */
public final class ProbeMain {

    static final String USAGE = """
            usage: probe --address HOST [--port 4059] [--system-title NAME] [--auth-level none|low|high]
                         [--keys meter_keys.json] [--password LLS] [--transport tcp|hdlc|udp]
                         [--client-address N] [--logical-device 1] [--vendor NAME | --declaration FILE]
                         [--cases a,b,...] [--allow-writes] [--timeout-ms 5000] [--latency-budget-ms 2000]
                         [--max-pdu 1024] [--json FILE] [--markdown FILE] [--junit FILE] [--html FILE]
                         [--pcap FILE [--pcap-max-bytes N]]
              --system-title  the meter on the bench: its name in the report, and how its record is found in --keys
                              (meterId, or systemTitle in hex or ASCII)
              --auth-level    none: public client only; low: LLS (client 32) with --password or the key file's;
                              high: the HLS mechanism, suite and keys of the meter's record in --keys (client 1)
              --vendor        a built-in declaration (aurora-ax1, borealis-b7, corvus-c3, delta-q9); --declaration a file
              --cases         case ids or areas (transport, association, objects, services, security, idempotency)
              --allow-writes  run the cases that operate the meter (disconnect twice and reconnect; firmware re-write)
              --json, --markdown, --junit, --html  write the report as JSON, Markdown, JUnit XML (for a lab's CI) or
                              a self-contained HTML page (matrix, evidence, latency plot)
              --pcap          record the probe's own traffic as a libpcap file (open it in Wireshark with
                              wireshark/dlms.lua); at most --pcap-max-bytes (default 8 MiB), later packets left out
            exit code: 0 no case failed, 1 a case failed, 2 bad command line (nothing sent)""";

    private static final Set<String> FLAGS = Set.of("allow-writes", "help");
    private static final Set<String> OPTIONS = Set.of("address", "port", "system-title", "auth-level", "keys",
            "password", "transport", "client-address", "logical-device", "vendor", "declaration", "cases", "timeout-ms",
            "latency-budget-ms", "max-pdu", "json", "markdown", "junit", "html", "pcap", "pcap-max-bytes");

    private ProbeMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts;
        ProbeTarget target;
        InteropPlan plan;
        PlanOptions options;
        try {
            opts = parse(args);
            if (opts.containsKey("help")) {
                out.println(USAGE);
                return 0;
            }
            target = target(opts);
            plan = InteropPlan.of(opts.containsKey("cases") ? Arrays.asList(opts.get("cases").split(",")) : List.of());
            options = PlanOptions.DEFAULTS.withAllowWrites(opts.containsKey("allow-writes"))
                    .withLatencyBudget(Duration.ofMillis(number(opts, "latency-budget-ms", 2000)));
        } catch (IllegalArgumentException | IOException e) {
            err.println("probe: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        WireCapture capture;
        try {
            capture = opts.containsKey("pcap")
                    ? WireCapture.recording(number(opts, "pcap-max-bytes", WireCapture.DEFAULT_MAX_PCAP_BYTES))
                    : WireCapture.counting();
        } catch (IllegalArgumentException e) {
            err.println("probe: --pcap-max-bytes: " + e.getMessage());
            return 2;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            EventLoops loops = EventLoops.deploy(vertx, 1).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Prober prober = new Prober(vertx, loops, new Transports(vertx,
                    Duration.ofMillis(number(opts, "timeout-ms", 5000))));
            MeterVerdict verdict = prober.probe(target, plan, options, new InMemoryInvocationCounterStore(), capture)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
            out.print(Reports.text(verdict));
            if (capture.records()) {
                Files.write(Path.of(opts.get("pcap")), capture.pcap());
                out.println("pcap: " + opts.get("pcap") + (capture.pcapDroppedPackets() == 0 ? ""
                        : " (bound reached: the last " + capture.pcapDroppedPackets() + " packets left out)"));
            }
            if (opts.containsKey("json")) {
                Files.writeString(Path.of(opts.get("json")), Reports.json(List.of(verdict)).encodePrettily());
            }
            if (opts.containsKey("markdown")) {
                Files.writeString(Path.of(opts.get("markdown")), Reports.markdown("Interoperability probe of "
                        + verdict.meterId(), List.of(verdict)));
            }
            if (opts.containsKey("junit")) {
                Files.writeString(Path.of(opts.get("junit")), JunitXmlReport.render("interop probe of "
                        + verdict.meterId(), List.of(verdict)));
            }
            if (opts.containsKey("html")) {
                Files.writeString(Path.of(opts.get("html")), HtmlReport.render("Interoperability probe of "
                        + verdict.meterId(), List.of(verdict)));
            }
            return verdict.overall() == Verdict.FAIL ? 1 : 0;
        } catch (Exception e) {
            err.println("probe: " + e);
            return 1;
        } finally {
            vertx.close();
        }
    }

    static ProbeTarget target(Map<String, String> o) throws IOException {
        String host = required(o, "address");
        int port = (int) number(o, "port", 4059);
        String meter = o.getOrDefault("system-title", host + ":" + port);
        TransportKind transport = switch (o.getOrDefault("transport", "tcp")) {
            case "tcp" -> TransportKind.TCP_WRAPPER;
            case "hdlc" -> TransportKind.TCP_HDLC;
            case "udp" -> TransportKind.UDP_WRAPPER;
            default -> throw new IllegalArgumentException("--transport must be tcp, hdlc or udp");
        };
        int logicalDevice = (int) number(o, "logical-device", 1);
        Duration timeout = Duration.ofMillis(number(o, "timeout-ms", 5000));
        int pdu = (int) number(o, "max-pdu", transport == TransportKind.TCP_HDLC ? 256 : 1024);
        Integer client = o.containsKey("client-address") ? (int) number(o, "client-address", 0) : null;
        SessionSettings open = new SessionSettings(host, port, transport, 16, logicalDevice, AuthenticationLevel.NONE,
                null, timeout, pdu, null);
        SessionSettings management = null;
        String why = null;
        String level = o.getOrDefault("auth-level", "none");
        switch (level) {
            case "none" -> why = "--auth-level none: only the public client was asked for";
            case "low" -> {
                if (o.containsKey("password")) {
                    management = new SessionSettings(host, port, transport, client == null ? 32 : client, logicalDevice,
                            AuthenticationLevel.LOW, o.get("password"), timeout, pdu, null);
                } else if (o.containsKey("keys")) {
                    management = BenchKeys.management(Path.of(o.get("keys")), meter, host, port, transport, client,
                            logicalDevice, timeout, pdu, AuthenticationLevel.LOW);
                } else {
                    throw new IllegalArgumentException("--auth-level low needs --password or --keys");
                }
            }
            case "high" -> management = BenchKeys.management(Path.of(required(o, "keys")), meter, host, port,
                    transport, client, logicalDevice, timeout, pdu, AuthenticationLevel.HIGH_GMAC);
            default -> throw new IllegalArgumentException("--auth-level must be none, low or high");
        }
        MeterDeclaration declaration = null;
        String vendor = o.get("vendor");
        if (o.containsKey("declaration")) {
            declaration = MeterDeclaration.load(Path.of(o.get("declaration")));
            vendor = declaration.vendor();
        } else if (vendor != null) {
            declaration = MeterDeclaration.builtIn(vendor);
        }
        return new ProbeTarget(meter, vendor, open, management, why, declaration);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            // the field manual prints "–address" (an en dash): take it as "--address"
            String a = args[i];
            if (!a.isEmpty() && (a.charAt(0) == '\u2013' || a.charAt(0) == '\u2014')) {
                a = "--" + a.substring(1);
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (FLAGS.contains(name)) {
                o.put(name, "true");
            } else if (OPTIONS.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                o.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static long number(Map<String, String> o, String name, long fallback) {
        String v = o.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, not '" + v + "'");
        }
    }
}
