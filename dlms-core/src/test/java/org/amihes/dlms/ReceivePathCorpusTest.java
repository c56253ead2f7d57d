package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The regression run of the receive-path fuzzing ({@code ./hes fuzz}, {@link ReceivePathTarget}), in every build.
 * First the seeds: real conversations recorded from the simulator (a wrapper and an HDLC meter; a register's value
 * and scaler_unit, a profile's buffer in blocks, the clock), each of which the target must read to the end, which
 * shows it drives the receive path the way a session does. Then every input of the kept corpus
 * ({@code src/test/resources/fuzz/receive-path}: seeds and what fuzzing found worth keeping) within a per-input time
 * bound: each ends read, incomplete or failed with a classified code, none throws. The seeds are also written to
 * {@code target/fuzz-seeds} for {@code ./hes fuzz}.
 */
class ReceivePathCorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/fuzz/receive-path");
    static final Path SEEDS_OUT = Path.of("target/fuzz-seeds");
    static final Duration PER_INPUT = Duration.ofSeconds(10);

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(2, List.of("aurora-ax1", "corvus-c3"), 5, "127.17.0.1")
            .at(Instant.parse("2026-03-01T12:00:00Z"));
    static final AtomicReference<ByteArrayOutputStream> recording = new AtomicReference<>();
    static int proxyPort;
    static MeterSpec upstreamMeter;

    /** A proxy that records what the meter sends on the current connection. */
    @BeforeAll
    static void startRecorder() throws Exception {
        NetClient upstream = sim.vertx().createNetClient();
        NetServer proxy = sim.vertx().createNetServer().connectHandler(client -> {
            client.pause();
            MeterSpec m = upstreamMeter;
            upstream.connect(m.port(), m.host()).onSuccess(server -> {
                ByteArrayOutputStream out = recording.get();
                client.handler(server::write);
                client.closeHandler(v -> server.close());
                server.closeHandler(v -> client.close());
                server.handler(answer -> {
                    synchronized (out) {
                        out.writeBytes(answer.getBytes());
                    }
                    client.write(answer);
                });
                client.resume();
            }).onFailure(e -> client.close());
        });
        proxyPort = await(proxy.listen(0, "127.0.0.1")).actualPort();
    }

    @Test
    void recordedConversationsAreReadToTheEnd() throws Exception {
        Map<String, ReceivePathTarget.Outcome> outcomes = new TreeMap<>();
        Files.createDirectories(SEEDS_OUT);
        for (String profile : List.of("aurora-ax1", "corvus-c3")) {
            MeterSpec meter = sim.meterOf(profile);
            boolean hdlc = VendorProfile.load(profile).framing() == VendorProfile.Framing.HDLC;
            for (int kind = 0; kind < 4; kind++) {
                byte[] seed = record(meter, hdlc, kind);
                String name = profile + "-" + kind;
                Files.write(SEEDS_OUT.resolve(name), seed);
                outcomes.put(name, ReceivePathTarget.run(seed));
            }
        }
        assertThat(outcomes.values()).as("%s", outcomes)
                .allSatisfy(o -> assertThat(o.kind()).isEqualTo(ReceivePathTarget.Outcome.Kind.READ));
    }

    @Test
    void everyKeptInputEndsClassifiedWithinItsBound() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(CORPUS)) {
            inputs = files.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(inputs).as("the kept corpus").isNotEmpty();
        Map<ReceivePathTarget.Outcome.Kind, Integer> kinds = new EnumMap<>(ReceivePathTarget.Outcome.Kind.class);
        for (Path input : inputs) {
            byte[] bytes = Files.readAllBytes(input);
            ReceivePathTarget.Outcome outcome = assertTimeoutPreemptively(PER_INPUT, () -> ReceivePathTarget.run(bytes),
                    input::toString);
            assertThat(outcome.kind() == ReceivePathTarget.Outcome.Kind.FAILED).as(input + ": " + outcome)
                    .isEqualTo(outcome.code() != null);
            kinds.merge(outcome.kind(), 1, Integer::sum);
        }
        System.out.printf("ReceivePathCorpusTest: %d kept inputs: %s%n", inputs.size(), kinds);
    }

    /** The meter's side of one session that reads what {@code kind} names, as the target's input. */
    private static byte[] record(MeterSpec meter, boolean hdlc, int kind) throws Exception {
        upstreamMeter = meter;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(kind << 1 | (hdlc ? 1 : 0));
        recording.set(out);
        TransportKind transport = hdlc ? TransportKind.TCP_HDLC : TransportKind.TCP_WRAPPER;
        DlmsSession session = sim.open(SessionSettings.publicClient("127.0.0.1", proxyPort, transport));
        try {
            switch (kind) {
                case 0 -> await(session.read(new GXDLMSRegister("1.0.1.8.0.255"), 2));
                case 1 -> await(session.read(new GXDLMSRegister("1.0.1.8.0.255"), 3));
                case 2 -> {
                    GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(VendorProfile.load(meter.profile()).loadProfileObis());
                    await(session.read(pg, 3)); // capture objects, then rows decoded with them
                    await(session.readRowsByEntry(pg, 1, 96));
                }
                default -> await(session.read(new GXDLMSClock("0.0.1.0.0.255"), 2));
            }
        } finally {
            await(session.release());
        }
        synchronized (out) {
            return out.toByteArray();
        }
    }
}
