package org.amihes.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonObject;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench probe as a lab engineer runs it, in its own JVM (the exit code is the process's): the field manual's
 * options against simulated meters, with the key delivery file the simulator writes as a vendor would.
 */
class ProbeMainIT {

    static SimulatedBench bench;
    @TempDir
    static Path dir;
    static Path keys;

    @BeforeAll
    static void start() throws Exception {
        bench = new SimulatedBench(4, VendorProfile.BUILT_IN, 1515, "127.16.0.1");
        keys = dir.resolve("meter_keys.json");
        bench.simulator.fleet().writeKeys(keys);
    }

    @AfterAll
    static void stop() throws Exception {
        bench.close();
    }

    record Run(int exit, String out, String err) {
    }

    static Run probe(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProbeMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("err.txt").toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void aWellBehavedMeterAtHighAuthPassesWithExitZero() throws Exception {
        MeterSpec m = bench.meterOf("aurora-ax1");
        Path json = dir.resolve("aurora.json");
        Path pcap = dir.resolve("aurora.pcap");
        Run r = probe("--address", m.host(), "--port", String.valueOf(m.port()), "--system-title", m.meterId(),
                "--auth-level", "high", "--keys", keys.toString(), "--vendor", "aurora-ax1", "--json", json.toString(),
                "--pcap", pcap.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASS     association.management").contains("HIGH_GMAC suite 0")
                .contains("SKIPPED  idempotency.disconnect").contains("verdict: PASS")
                .contains("wire: ").contains("pcap: " + pcap);
        JsonObject report = new JsonObject(Files.readString(json));
        assertThat(report.getJsonArray("meters").getJsonObject(0).getString("verdict")).isEqualTo("PASS");
        JsonObject wire = report.getJsonArray("meters").getJsonObject(0).getJsonObject("wire");
        assertThat(wire.getLong("apduBytes")).isPositive().isLessThan(wire.getLong("payloadBytes"));
        // classic libpcap, little-endian magic, Ethernet; its dissection is CaptureDissectorIT's
        byte[] file = Files.readAllBytes(pcap);
        assertThat(java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0)).isEqualTo(0xa1b2c3d4);
        assertThat((long) file.length).isGreaterThan(24 + wire.getLong("payloadBytes"));
    }

    @Test
    void theQuirkyMeterFailsWithExitOneAndTheFailingExchange() throws Exception {
        MeterSpec m = bench.meterOf("delta-q9"); // energyRegisterNull in its profile
        Path junit = dir.resolve("delta.xml");
        Path html = dir.resolve("delta.html");
        Run r = probe("--address", m.host(), "--port", String.valueOf(m.port()), "--system-title", m.meterId(),
                "--auth-level", "high", "--keys", keys.toString(), "--vendor", "delta-q9", "--cases", "objects.energy",
                "--junit", junit.toString(), "--html", html.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL     objects.energy").contains("[VENDOR] DLMS-202")
                .containsPattern("\\n\\s+TX 0001").containsPattern("\\n\\s+RX 0001").contains("verdict: FAIL");
        // the lab's CI reads the JUnit XML: one suite for the meter, its one case failed with class and code
        String xml = Files.readString(junit);
        InteropReportsIT.junitShape().newValidator().validate(new javax.xml.transform.stream.StreamSource(
                new java.io.StringReader(xml)));
        assertThat(xml).contains("<testsuite name=\"" + m.meterId() + "\"").contains("tests=\"1\" failures=\"1\"")
                .contains("<testcase name=\"objects.energy\"").contains("type=\"VENDOR DLMS-202\"");
        assertThat(Files.readString(html)).contains("data-meter=\"" + m.meterId() + "\" data-case=\"objects.energy\" "
                + "data-verdict=\"FAIL\" data-class=\"VENDOR\"");
    }

    @Test
    void anUnreachableMeterIsANetworkFailureWithExitOne() throws Exception {
        int closed = SimulatedBench.freePort();
        Run r = probe("--address", "127.0.0.1", "--port", String.valueOf(closed), "--system-title", "MTR001",
                "--timeout-ms", "1000");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL     transport.connect").contains("[NETWORK] DLMS-101")
                .contains("SKIPPED  objects.energy");
    }

    @Test
    void aWrongCommandLineIsExitTwoAndSendsNothing() throws Exception {
        long before = bench.simulator.connectionsAccepted();
        MeterSpec m = bench.meterOf("aurora-ax1");
        assertThat(probe("--port", "4059").exit()).isEqualTo(2); // no --address
        Run r = probe("--address", m.host(), "--port", String.valueOf(m.port()), "--auth-level", "high");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--keys is required");
        assertThat(probe("--address", m.host(), "--cases", "objects.nothing").err()).contains("unknown case(s) [objects.nothing]");
        assertThat(bench.simulator.connectionsAccepted()).isEqualTo(before);
    }

    @Test
    void theFieldManualsEnDashesAreTakenAsDoubleDashes() {
        assertThat(ProbeMain.parse(new String[] {"\u2013address", "192.168.1.50", "\u2013port", "4059",
                "\u2013system-title", "MTR001", "\u2013auth-level", "high"}))
                .containsEntry("address", "192.168.1.50").containsEntry("port", "4059")
                .containsEntry("system-title", "MTR001").containsEntry("auth-level", "high");
    }
}
