package org.amihes.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.amihes.association.client.SecurityServiceClient;
import org.amihes.association.client.SecurityServiceCounterReservations;
import org.amihes.association.client.SecurityServiceCounterReservations.CountersUnavailable;
import org.amihes.association.domain.InvocationCounterWindows;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InMemoryInvocationCounterStore;
import org.amihes.dlms.InvocationCounterStore;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.MeterReading;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SecuritySettings.SecurityPolicy;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invocation counters survive a head-end restart: association-service's counter windows, reserved from the packaged
 * security-service over HTTP and kept in PostgreSQL, against an HLS-GMAC suite 0 simulated meter that refuses any
 * counter it has seen.
 */
class InvocationCounterIT {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final int WINDOW = 1000;
    static final String KEY_ID = MeterReader.counterKeyId(security(MeterKeys.HEAD_END_SYSTEM_TITLE, null, 0));

    static Vertx vertx;
    static FleetSimulator simulator;
    static ServiceProcess security;
    static MeterReader reader;

    @BeforeAll
    static void start() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Meter ids unique per run: the counters table outlives runs, the simulated meter's counter does not.
        Fleet fleet = Fleet.generate(3, List.of("aurora-ax1"), 7, "127.6.1.1", ServiceProcess.freePort())
                .withIdPrefix("IC-" + run + "-");
        vertx = Vertx.vertx();
        simulator = FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get();
        reader = new MeterReader(vertx, await(EventLoops.deploy(vertx, 1)), new Transports(vertx, Duration.ofSeconds(2)));
        security = E2eStack.startSecurity();
    }

    @AfterAll
    static void stop() throws Exception {
        if (security != null) {
            security.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRestartedHeadEndContinuesAboveEveryCounterItUsed() throws Exception {
        MeterSpec meter = simulator.fleet().meters().get(0);
        long before = simulator.meterState(meter.meterId()).sessions();

        MeterReading first = await(reader.read(meter.meterId(), settings(meter), List.of("1.0.1.8.0.255"),
                associationServiceCounters()));
        // a new set of windows is what a restarted (or second) association-service has: nothing in memory
        MeterReading second = await(reader.read(meter.meterId(), settings(meter), List.of("1.0.1.8.0.255"),
                associationServiceCounters()));

        assertThat(first.warnings()).isEmpty();
        assertThat(second.warnings()).as("no resynchronisation: the meter accepted the first counter").isEmpty();
        assertThat(simulator.meterState(meter.meterId()).sessions() - before)
                .as("one connection per read, no probe of the public association").isEqualTo(2);
        // windows of WINDOW counters from 1: [1, 1001) for the first process, [1001, 2001) for the second
        assertThat(first.nextInvocationCounter()).isBetween(2L, (long) WINDOW);
        assertThat(second.nextInvocationCounter()).isBetween(WINDOW + 2L, 2L * WINDOW);
        given().get(security.url() + "/meters/" + meter.meterId() + "/invocation-counters").then()
                .statusCode(200)
                .body("keyId", equalTo(List.of(KEY_ID)))
                .body("next", equalTo(List.of(2 * WINDOW + 1)));
    }

    @Test
    void withoutTheDurableStoreTheMeterRefusesAndTheCounterIsResynchronised() throws Exception {
        // the control: the same two reads with counters kept only in memory
        MeterSpec meter = simulator.fleet().meters().get(1);
        await(reader.read(meter.meterId(), settings(meter), List.of("1.0.1.8.0.255"), new InMemoryInvocationCounterStore()));
        long before = simulator.meterState(meter.meterId()).sessions();
        MeterReading restarted = await(reader.read(meter.meterId(), settings(meter), List.of("1.0.1.8.0.255"),
                new InMemoryInvocationCounterStore()));
        assertThat(restarted.warnings()).singleElement().asString().startsWith("DLMS-404: the meter refused "
                + "invocation counter 1 ");
        assertThat(simulator.meterState(meter.meterId()).sessions() - before)
                .as("refused association, public probe, retry").isEqualTo(3);
    }

    @Test
    void noSecurityServiceMeansNoCiphering() throws Exception {
        MeterSpec meter = simulator.fleet().meters().get(2);
        long before = simulator.meterState(meter.meterId()).sessions();
        InvocationCounterStore unreachable = new InvocationCounterWindows(new SecurityServiceCounterReservations(vertx,
                new SecurityServiceClient(vertx, URI.create("http://127.0.0.1:" + ServiceProcess.freePort()),
                        Duration.ofSeconds(2), null)), WINDOW, 64);
        Future<MeterReading> read = reader.read(meter.meterId(), settings(meter), List.of("1.0.1.8.0.255"), unreachable);
        Throwable failure = read.toCompletionStage().toCompletableFuture().handle((r, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(CountersUnavailable.class).hasMessageContaining("unreachable");
        assertThat(simulator.meterState(meter.meterId()).sessions()).as("the meter was never contacted").isEqualTo(before);
    }

    private static InvocationCounterStore associationServiceCounters() {
        return new InvocationCounterWindows(new SecurityServiceCounterReservations(vertx, new SecurityServiceClient(
                vertx, URI.create(security.url()), Duration.ofSeconds(5),
                // association-service's client token, as association-service presents it (fetched off the event loop)
                new org.amihes.association.client.SecurityServiceClient.Bearer() {
                    @Override
                    public io.vertx.core.Future<String> token() {
                        return vertx.executeBlocking(() -> org.amihes.service.testing.TestTokens.client("association-service"));
                    }

                    @Override
                    public void refused(String token) {
                        // the test's token is fresh for each request: nothing cached to drop
                    }
                })),
                WINDOW, 64);
    }

    /** aurora-ax1's management association: HLS-GMAC, suite 0, authenticated and encrypted, the fleet's keys. */
    private static SessionSettings settings(MeterSpec meter) {
        MeterKeys keys = simulator.fleet().keys(meter.meterId());
        return new SessionSettings(meter.host(), meter.port(), TransportKind.TCP_WRAPPER, 1, 1,
                AuthenticationLevel.HIGH_GMAC, null, Duration.ofSeconds(2), SessionSettings.DEFAULT_MAX_PDU,
                security(MeterKeys.HEAD_END_SYSTEM_TITLE, keys, 1));
    }

    private static SecuritySettings security(byte[] systemTitle, MeterKeys keys, long invocationCounter) {
        return new SecuritySettings(0, SecurityPolicy.AUTHENTICATED_ENCRYPTED, systemTitle,
                keys == null ? new byte[16] : keys.blockCipherKey(), keys == null ? new byte[16] : keys.authenticationKey(),
                null, invocationCounter, null, null, null);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
