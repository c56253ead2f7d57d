package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.objects.GXDLMSClock;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * interop-tests incompatibility 5, within a session: a loopback proxy between the client and a simulated HLS-GMAC
 * meter (aurora-ax1, suite 0, authenticated and encrypted) plays one of the meter's earlier answers again in place
 * of a later one. The replayed APDU is genuine (its tag verifies), so only its invocation counter gives it away:
 * the session must fail with a SECURITY failure before taking it for the answer, and close. (Without the check,
 * Gurux 4.0.47 takes each of the three replays below for the second GET's answer, even the action response.)
 *
 * <p>The meter's answers in a session: 0 the AARE (glo-initiateResponse inside), 1 the HLS pass 4 response,
 * 2 the first GET response, 3 the second GET response.
 */
class ReplayedResponseIT {

    static final Instant NOW = Instant.parse("2026-08-08T08:08:08Z");
    static final byte[] DEDICATED_KEY = HexFormat.of().parseHex("0F0E0D0C0B0A09080706050403020100");

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(1, List.of("aurora-ax1"), 55, "127.17.0.1").at(NOW);
    static int proxyPort;
    /** answer {@code answer} of the next session is replaced by its answer {@code with}; null: relay as is */
    static volatile Replay replay;
    static long nextCounter = 1_000;

    record Replay(int answer, int with) {
    }

    @BeforeAll
    static void startProxy() throws Exception {
        MeterSpec meter = sim.fleet().meters().get(0);
        NetServer proxy = sim.vertx().createNetServer().connectHandler(client -> {
            client.pause();
            sim.vertx().createNetClient().connect(meter.port(), meter.host())
                    .onSuccess(server -> relay(client, server, replay))
                    .onFailure(e -> client.close());
        });
        proxyPort = await(proxy.listen(0, "127.0.0.1")).actualPort();
    }

    /** Relays whole wrapper frames (header plus length), keeping the meter's answers to replay one of them. */
    static void relay(NetSocket client, NetSocket server, Replay r) {
        List<Buffer> answers = new ArrayList<>();
        Buffer[] pending = {Buffer.buffer()};
        client.handler(server::write);
        client.closeHandler(v -> server.close());
        server.closeHandler(v -> client.close());
        server.handler(data -> {
            Buffer in = pending[0].appendBuffer(data);
            while (in.length() >= 8 && in.length() >= 8 + in.getUnsignedShort(6)) {
                Buffer frame = in.getBuffer(0, 8 + in.getUnsignedShort(6));
                in = in.getBuffer(frame.length(), in.length());
                pending[0] = in;
                answers.add(frame);
                int index = answers.size() - 1;
                client.write(r != null && r.answer() == index ? answers.get(r.with()) : frame);
            }
        });
        client.resume();
    }

    @Test
    void withoutReplayTheMetersCountersRiseAndBothReadsSucceed() throws Exception {
        replay = null;
        DlmsSession session = sim.open(settings(false));
        try {
            GXDLMSClock clock = new GXDLMSClock(MeterReader.CLOCK);
            await(session.read(clock, 2));
            assertThat(clock.getTime().getMeterCalendar().toInstant()).isEqualTo(NOW);
            await(session.read(clock, 2));
            assertThat(clock.getTime().getMeterCalendar().toInstant()).isEqualTo(NOW);
            List<Long> counters = metersCounters(session.exchange());
            assertThat(counters).hasSize(4).isSorted().doesNotHaveDuplicates();
        } finally {
            await(session.release());
        }
    }

    @ParameterizedTest(name = "answer {0} replaced by answer {1}, dedicated key {2}: {3}")
    @CsvSource({
            "3, 2, false, repeated counter (the first GET response again)",
            "3, 1, false, lower counter (the pass 4 response again)",
            "3, 2, true, repeated counter under the dedicated key",
    })
    void aReplayedAnswerFailsTheSessionAsSecurity(int answer, int with, boolean dedicated, String what)
            throws Exception {
        replay = new Replay(answer, with);
        DlmsSession session = sim.open(settings(dedicated));
        GXDLMSClock clock = new GXDLMSClock(MeterReader.CLOCK);
        await(session.read(clock, 2));

        DlmsException e = failure(session.read(clock, 2));

        assertThat(e.code()).isEqualTo(FailureCode.REPLAYED_RESPONSE);
        assertThat(e.code().code()).isEqualTo("DLMS-407");
        assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        List<String> received = e.exchange().stream().filter(f -> f.startsWith("RX ")).toList();
        assertThat(received).hasSize(4);
        assertThat(received.get(answer)).as("the frame replayed byte for byte").isEqualTo(received.get(with));
        long replayed = counterOf(received.get(answer));
        long highest = metersCounters(received.subList(0, answer)).stream().mapToLong(Long::longValue).max()
                .orElseThrow();
        assertThat(replayed).isLessThanOrEqualTo(highest);
        assertThat(e.detail()).contains("invocation counter " + replayed + " under the "
                + (dedicated ? "dedicated" : "global") + " key").endsWith("a replayed or reflected response");
        // the session is closed: nothing more goes over a link that replays
        assertThat(session.state()).isEqualTo(DlmsSession.State.CLOSED);
        await(session.close());
    }

    private static SessionSettings settings(boolean dedicated) {
        SessionSettings s = sim.managementSettings(sim.fleet().meters().get(0), TransportKind.TCP_WRAPPER,
                nextCounter += 1_000);
        SecuritySettings security = s.security();
        if (dedicated) {
            security = new SecuritySettings(security.suite(), security.policy(), security.clientSystemTitle(),
                    security.blockCipherKey(), security.authenticationKey(), DEDICATED_KEY,
                    security.invocationCounter(), null, null, null);
        }
        return new SessionSettings("127.0.0.1", proxyPort, s.transport(), s.clientAddress(), s.logicalDevice(),
                s.authentication(), s.password(), s.responseTimeout(), s.maxPduSize(), security);
    }

    /** The invocation counters of the meter's ciphered answers ("RX " lines), in order. */
    private static List<Long> metersCounters(List<String> exchange) {
        return exchange.stream().filter(f -> f.startsWith("RX ")).map(ReplayedResponseIT::counterOf).toList();
    }

    /**
     * The invocation counter of a wrapper frame's ciphered APDU, read as the Green Book lays it out: after the
     * 8-byte wrapper header, an AARE (61) whose user-information [30] (BE, its last field) holds an octet string
     * (04) with the glo-initiateResponse (28); general-glo/ded-ciphering (DB / DC) with the sender's 8-byte system
     * title; or a glo-/ded- response. Then the content length, the security control byte and the 4-byte counter.
     */
    private static long counterOf(String line) {
        byte[] b = HexFormat.of().parseHex(line.substring(3));
        int[] p = {8};
        int tag = b[p[0]++] & 0xFF;
        if (tag == 0x61) {
            int end = length(b, p) + p[0];
            while (p[0] < end && (b[p[0]] & 0xFF) != 0xBE) { // skip the ACSE fields before user-information
                p[0]++;
                int skip = length(b, p);
                p[0] += skip;
            }
            p[0]++;
            length(b, p);
            assertThat(b[p[0]++]).isEqualTo((byte) 0x04);
            length(b, p);
            tag = b[p[0]++] & 0xFF;
            assertThat(tag).isEqualTo(0x28);
        } else if (tag == 0xDB || tag == 0xDC) {
            assertThat(b[p[0]++]).isEqualTo((byte) 8);
            p[0] += 8;
        } else { // glo-/ded- get, set, action response
            assertThat(tag).isIn(0xCC, 0xCD, 0xCF, 0xD4, 0xD5, 0xD7);
        }
        length(b, p);
        p[0]++; // security control
        return Long.parseLong(HexFormat.of().formatHex(b, p[0], p[0] + 4), 16);
    }

    /** A BER / A-XDR length at {@code p[0]} (short form, or 0x81 / 0x82 and the length bytes); moves past it. */
    private static int length(byte[] b, int[] p) {
        int first = b[p[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7F); i++) {
            length = length << 8 | (b[p[0]++] & 0xFF);
        }
        return length;
    }
}
