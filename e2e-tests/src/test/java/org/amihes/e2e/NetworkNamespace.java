package org.amihes.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace of its own for meters, joined to this host by a veth pair, with packet loss applied by the
 * kernel: nftables rules inside the namespace drop {@code lossPercent} % of the packets crossing the veth, each
 * direction drawn separately ({@code numgen random mod 100 < p}). Everything is made here and removed by
 * {@link #close()}: names are unique per run and the addresses are a private /16 that this host does not route yet.
 *
 * <p>Addresses: the link is {@code 10.R.255.1} (host) – {@code 10.R.255.2} (namespace); the meters' range
 * {@code 10.R.0.0/17} is local inside the namespace (a {@code local} route on its loopback, as 127/8 is) and routed
 * through the veth on the host, so one listener on 0.0.0.0 in the namespace answers every meter address.
 *
 * <p>The kernel of this machine has no delay qdisc ({@code # CONFIG_NET_SCH_NETEM is not set}), so delay and jitter
 * stay with the simulator; the loss here is real: TCP retransmits it on both sides.
 *
 * <p>Needs root and the {@code ip} and {@code nft} commands ({@code ./hes} installs nftables).
 */
final class NetworkNamespace implements AutoCloseable {

    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes (\\d+)");

    private final String name;
    private final String hostVeth;
    private final String nsVeth;
    private final int octet;
    private boolean routed;

    private NetworkNamespace(String name, String hostVeth, String nsVeth, int octet) {
        this.name = name;
        this.hostVeth = hostVeth;
        this.nsVeth = nsVeth;
        this.octet = octet;
    }

    /** Creates the namespace, its veth pair and routes, and the loss rules; on any failure removes what it made. */
    static NetworkNamespace create(int lossPercent) throws IOException, InterruptedException {
        if (lossPercent < 0 || lossPercent > 100) {
            throw new IllegalArgumentException("lossPercent within 0..100, got " + lossPercent);
        }
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        NetworkNamespace ns = new NetworkNamespace("hes-net-" + id, "hvn" + id + "a", "hvn" + id + "b", freeOctet());
        try {
            ns.setUp(lossPercent);
            return ns;
        } catch (IOException | RuntimeException | InterruptedException e) {
            ns.close();
            throw e;
        }
    }

    /** A second octet R whose 10.R.0.0/16 appears in none of this host's addresses and routes. */
    private static int freeOctet() throws IOException, InterruptedException {
        String used = run("ip", "-4", "-o", "addr") + run("ip", "-4", "route", "show", "table", "all");
        for (int tries = 0; tries < 100; tries++) {
            int r = 64 + ThreadLocalRandom.current().nextInt(128);
            if (!used.contains("10." + r + ".")) {
                return r;
            }
        }
        throw new IllegalStateException("no free 10.R.0.0/16 among 10.64-191: " + used);
    }

    private void setUp(int lossPercent) throws IOException, InterruptedException {
        run("ip", "netns", "add", name);
        run("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", nsVeth);
        run("ip", "link", "set", nsVeth, "netns", name);
        run("ip", "addr", "add", hostAddress() + "/30", "dev", hostVeth);
        run("ip", "link", "set", hostVeth, "up");
        inside("ip", "link", "set", "lo", "up");
        inside("ip", "addr", "add", "10." + octet + ".255.2/30", "dev", nsVeth);
        inside("ip", "link", "set", nsVeth, "up");
        inside("ip", "route", "add", "local", meterRange(), "dev", "lo");
        inside("ip", "route", "add", "default", "via", hostAddress());
        run("ip", "route", "add", meterRange(), "via", "10." + octet + ".255.2");
        routed = true;
        // rule order matters for counters(): all in, dropped in, all out, dropped out
        String rules = "table inet hes_loss {\n"
                + "  chain in { type filter hook input priority 0; policy accept;\n"
                + "    iifname \"" + nsVeth + "\" counter\n"
                + "    iifname \"" + nsVeth + "\" numgen random mod 100 < " + lossPercent + " counter drop\n  }\n"
                + "  chain out { type filter hook output priority 0; policy accept;\n"
                + "    oifname \"" + nsVeth + "\" counter\n"
                + "    oifname \"" + nsVeth + "\" numgen random mod 100 < " + lossPercent + " counter drop\n  }\n"
                + "}\n";
        Path file = Files.createTempFile(name, ".nft");
        try {
            Files.writeString(file, rules);
            inside("nft", "-f", file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    String name() {
        return name;
    }

    /** The host's end of the link: the address meters see the head-end connect from. */
    String hostAddress() {
        return "10." + octet + ".255.1";
    }

    /** The first meter address: meters are 10.R.0.1 on, up to 32,766 of them. */
    String firstMeterAddress() {
        return "10." + octet + ".0.1";
    }

    private String meterRange() {
        return "10." + octet + ".0.0/17";
    }

    /** The command run inside the namespace ({@code ip netns exec}). */
    List<String> command(List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(command);
        return all;
    }

    /** Packets the loss rules saw: in (towards the meters) and out, all and dropped. */
    Map<String, Long> packets() throws IOException, InterruptedException {
        Matcher m = COUNTER.matcher(inside("nft", "list", "table", "inet", "hes_loss"));
        List<Long> counts = new ArrayList<>();
        while (m.find()) {
            counts.add(Long.parseLong(m.group(1)));
        }
        if (counts.size() != 4) {
            throw new IllegalStateException("expected 4 counters in the loss table, found " + counts);
        }
        Map<String, Long> p = new LinkedHashMap<>();
        p.put("toMeters", counts.get(0));
        p.put("toMetersDropped", counts.get(1));
        p.put("fromMeters", counts.get(2));
        p.put("fromMetersDropped", counts.get(3));
        return p;
    }

    /** The namespace's TCP counters (/proc/net/snmp "Tcp:" and /proc/net/netstat "TcpExt:"), by name. */
    Map<String, Long> tcpCounters() throws IOException, InterruptedException {
        return TcpCounters.parse(inside("cat", "/proc/net/snmp", "/proc/net/netstat"));
    }

    String inside(String... command) throws IOException, InterruptedException {
        return run(command(List.of(command)).toArray(String[]::new));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (routed) {
            runQuietly("ip", "route", "del", meterRange());
        }
        runQuietly("ip", "link", "del", hostVeth); // removes its peer too
        runQuietly("ip", "netns", "del", name);    // and with it the namespace's nftables rules
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no answer within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    private static void runQuietly(String... command) throws InterruptedException {
        try {
            run(command);
        } catch (IOException alreadyGone) {
            // not made, or removed with the namespace
        }
    }

    /** Parses the kernel's two-line "Proto: names" / "Proto: values" tables into Proto.Name → value. */
    static final class TcpCounters {

        private TcpCounters() {
        }

        static Map<String, Long> parse(String text) {
            Map<String, Long> counters = new LinkedHashMap<>();
            String[] lines = text.split("\n");
            for (int i = 0; i + 1 < lines.length; i++) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                if (names.length > 1 && names[0].equals(values[0]) && names[0].startsWith("Tcp")
                        && names.length == values.length && !values[1].matches("[A-Za-z].*")) {
                    String proto = names[0].substring(0, names[0].length() - 1);
                    for (int k = 1; k < names.length; k++) {
                        counters.put(proto + "." + names[k], Long.parseLong(values[k]));
                    }
                    i++;
                }
            }
            return counters;
        }

        /** This host's (the root namespace's) counters. */
        static Map<String, Long> host() throws IOException {
            return parse(Files.readString(Path.of("/proc/net/snmp")) + Files.readString(Path.of("/proc/net/netstat")));
        }
    }
}
