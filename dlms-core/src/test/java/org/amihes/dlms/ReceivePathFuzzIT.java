package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Property test of the client's receive path: a proxy between the client and a simulated meter corrupts the
 * meter's answers (bit flips, truncation, insertion, random bytes) or replaces them with random bytes. Whatever
 * arrives, a read must end within its time bound, never throw anything but a classified {@link DlmsException},
 * classify pure garbage as PROTOCOL, and close every connection it opened.
 */
class ReceivePathFuzzIT {

    static final int ROUNDS = 200;
    static final long SEED = 20261124L;

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(1, List.of("aurora-ax1"), 3, "127.7.0.1")
            .connectTimeout(Duration.ofSeconds(1));
    static int proxyPort;
    static final AtomicInteger opened = new AtomicInteger();
    static final AtomicInteger closed = new AtomicInteger();
    static volatile Mutation mutation;

    /** What the proxy does to one session's answers. */
    record Mutation(int answerIndex, Kind kind, long seed) {
        enum Kind { BIT_FLIP, TRUNCATE, INSERT, RANDOM_PAYLOAD, GARBAGE }
    }

    @BeforeAll
    static void startProxy() throws Exception {
        Vertx vertx = sim.vertx();
        MeterSpec meter = sim.fleet().meters().get(0);
        NetClient upstream = vertx.createNetClient();
        NetServer proxy = vertx.createNetServer().connectHandler(client -> {
            opened.incrementAndGet();
            client.pause();
            upstream.connect(meter.port(), meter.host()).onSuccess(server -> relay(client, server, mutation))
                    .onFailure(e -> {
                        client.closeHandler(v -> closed.incrementAndGet());
                        client.close();
                    });
        });
        proxyPort = await(proxy.listen(0, "127.0.0.1")).actualPort();
    }

    static void relay(NetSocket client, NetSocket server, Mutation m) {
        AtomicInteger answers = new AtomicInteger();
        client.handler(server::write);
        client.closeHandler(v -> {
            closed.incrementAndGet();
            server.close();
        });
        server.closeHandler(v -> client.close());
        server.handler(answer -> {
            int index = answers.getAndIncrement();
            client.write(m != null && m.answerIndex() == index ? mutate(answer, m) : answer);
        });
        client.resume();
    }

    static Buffer mutate(Buffer answer, Mutation m) {
        SplittableRandom r = new SplittableRandom(m.seed());
        byte[] b = answer.getBytes();
        switch (m.kind()) {
            case BIT_FLIP -> {
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                    int at = r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                return Buffer.buffer(b);
            }
            case TRUNCATE -> {
                return Buffer.buffer(b).slice(0, 1 + r.nextInt(b.length - 1)); // at least one byte: none at all is silence
            }
            case INSERT -> {
                int at = r.nextInt(b.length + 1);
                byte[] extra = new byte[1 + r.nextInt(8)];
                r.nextBytes(extra);
                return Buffer.buffer().appendBytes(b, 0, at).appendBytes(extra).appendBytes(b, at, b.length - at);
            }
            case RANDOM_PAYLOAD -> {
                // A valid wrapper header (version 1, addresses as sent) around random APDU bytes of the right length.
                byte[] payload = new byte[Math.max(1, b.length - 8)];
                r.nextBytes(payload);
                return Buffer.buffer().appendBytes(b, 0, 6).appendUnsignedShort(payload.length).appendBytes(payload);
            }
            case GARBAGE -> {
                byte[] g = new byte[1 + r.nextInt(64)];
                r.nextBytes(g);
                return Buffer.buffer(g);
            }
            default -> throw new IllegalStateException();
        }
    }

    @Test
    void everyCorruptedAnswerEndsClassifiedAndBounded() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        SessionSettings settings = SessionSettings.publicClient("127.0.0.1", proxyPort, TransportKind.TCP_WRAPPER)
                .withResponseTimeout(Duration.ofMillis(200));
        Map<FailureClass, Integer> classes = new EnumMap<>(FailureClass.class);
        int succeeded = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Mutation.Kind kind = Mutation.Kind.values()[random.nextInt(Mutation.Kind.values().length)];
            mutation = new Mutation(random.nextInt(2), kind, random.nextLong()); // the AARE or the GET response
            Future<MeterReading> read = sim.reader().read(settings, List.of("1.0.1.8.0.255"));
            try {
                read.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                succeeded++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).as("round %d %s", round, mutation).isInstanceOf(DlmsException.class);
                DlmsException d = (DlmsException) e.getCause();
                classes.merge(d.failureClass(), 1, Integer::sum);
                assertThat(d.failureClass()).as("round %d %s: %s", round, mutation, d.getMessage())
                        .isIn(FailureClass.PROTOCOL, FailureClass.VENDOR, FailureClass.SECURITY);
                if (kind == Mutation.Kind.GARBAGE || kind == Mutation.Kind.TRUNCATE) {
                    assertThat(d.failureClass()).as("round %d %s: %s", round, mutation, d.getMessage())
                            .isEqualTo(FailureClass.PROTOCOL);
                }
                assertThat(d.exchange()).as("the failing exchange is kept").isNotEmpty();
            }
        }
        // Every connection the client opened is closed again, whatever happened on it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (closed.get() < opened.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(closed.get()).isEqualTo(opened.get()).isEqualTo(ROUNDS);
        assertThat(classes.getOrDefault(FailureClass.PROTOCOL, 0)).as("%s, %d succeeded", classes, succeeded)
                .isGreaterThan(ROUNDS / 3);
    }
}
