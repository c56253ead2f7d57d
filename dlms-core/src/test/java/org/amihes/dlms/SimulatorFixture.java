package org.amihes.dlms;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amihes.dlms.SecuritySettings.SecurityPolicy;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.SimulatorOptions;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded simulated fleet per test class, on its own Vert.x and a fixed clock, with the client side a test
 * needs (event loops, transports, a {@link MeterReader}). Register it as a static field:
 * <pre>
 * &#64;RegisterExtension
 * static final SimulatorFixture sim = SimulatorFixture.fleet(8, VendorProfile.BUILT_IN, 7, "127.3.0.1").at(NOW);
 * </pre>
 * It starts before the class's own {@code @BeforeAll} methods and stops after its {@code @AfterAll} methods.
 */
final class SimulatorFixture implements BeforeAllCallback, AfterAllCallback {

    /** A fleet or a session that has not answered by then is a hung test, not a slow one. */
    static final Duration AWAIT = Duration.ofSeconds(20);

    /** The simulator's one security setup, referenced by its management association 0.0.40.0.3.255. */
    static final String SECURITY_SETUP = "0.0.43.0.0.255";

    private final int meters;
    private final List<String> profiles;
    private final long seed;
    private final String firstHost;
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private SimulatorOptions options = SimulatorOptions.DEFAULTS;
    private Duration connectTimeout = Duration.ofSeconds(2);

    private Vertx vertx;
    private FleetSimulator simulator;
    private Transports transports;
    private MeterReader reader;

    private SimulatorFixture(int meters, List<String> profiles, long seed, String firstHost) {
        this.meters = meters;
        this.profiles = List.copyOf(profiles);
        this.seed = seed;
        this.firstHost = firstHost;
    }

    /** {@code meters} meters cycling through {@code profiles}, one loopback address each from {@code firstHost}. */
    static SimulatorFixture fleet(int meters, List<String> profiles, long seed, String firstHost) {
        return new SimulatorFixture(meters, profiles, seed, firstHost);
    }

    /** The meters' fixed clock. */
    SimulatorFixture at(Instant fixedNow) {
        this.now = fixedNow;
        return this;
    }

    SimulatorFixture options(SimulatorOptions simulatorOptions) {
        this.options = simulatorOptions;
        return this;
    }

    SimulatorFixture connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        vertx = Vertx.vertx();
        Fleet fleet = Fleet.generate(meters, profiles, seed, firstHost, freePort());
        simulator = await(FleetSimulator.start(vertx, fleet, Clock.fixed(now, ZoneOffset.UTC), "0.0.0.0", options));
        transports = new Transports(vertx, connectTimeout);
        reader = new MeterReader(vertx, await(EventLoops.deploy(vertx, 2)), transports);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (simulator != null) {
            simulator.close();
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    Vertx vertx() {
        return vertx;
    }

    FleetSimulator simulator() {
        return simulator;
    }

    Fleet fleet() {
        return simulator.fleet();
    }

    Instant now() {
        return now;
    }

    Transports transports() {
        return transports;
    }

    MeterReader reader() {
        return reader;
    }

    MeterSpec meter(String meterId) {
        return fleet().meter(meterId);
    }

    /** The first meter of the fleet with this vendor profile. */
    MeterSpec meterOf(String profile) {
        return fleet().meters().stream().filter(m -> m.profile().equals(profile)).findFirst().orElseThrow();
    }

    /**
     * The meter's management association as its vendor profile defines it, with the fleet's keys for this meter:
     * the HLS client (1) with its mechanism, suite and policy, or the LLS client (32) for a profile without HLS.
     */
    SessionSettings managementSettings(MeterSpec meter, TransportKind transport, long invocationCounter) {
        VendorProfile p = VendorProfile.load(meter.profile());
        AuthenticationLevel level = AuthenticationLevel.valueOf(p.hlsAuthentication());
        if (level == AuthenticationLevel.NONE) {
            return new SessionSettings(meter.host(), meter.port(), transport, 32, 1, AuthenticationLevel.LOW,
                    meter.llsPassword(), Duration.ofSeconds(2), 256, null);
        }
        MeterKeys keys = fleet().keys(meter.meterId());
        KeyPair headEnd = level == AuthenticationLevel.HIGH_ECDSA ? fleet().headEndSigningKey(p.securitySuite()) : null;
        SecuritySettings security = new SecuritySettings(p.securitySuite(), SecurityPolicy.valueOf(p.securityPolicy()),
                MeterKeys.HEAD_END_SYSTEM_TITLE, keys.blockCipherKey(), keys.authenticationKey(), null, invocationCounter,
                headEnd, headEnd == null ? null : keys.signingKey().getPublic(),
                level == AuthenticationLevel.HIGH_SHA256 ? keys.hlsSecret() : null);
        return new SessionSettings(meter.host(), meter.port(), transport, 1, 1, level, null, Duration.ofSeconds(2),
                SessionSettings.DEFAULT_MAX_PDU, security);
    }

    /** Opens a session outside {@link MeterReader}, on a context of this fixture's Vert.x. */
    DlmsSession open(SessionSettings settings) throws Exception {
        return await(DlmsSession.open(vertx, vertx.getOrCreateContext(), transports.forKind(settings.transport()),
                settings));
    }

    static <T> T await(Future<T> f) throws ExecutionException, InterruptedException, TimeoutException {
        return f.toCompletionStage().toCompletableFuture().get(AWAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The classified failure a future ended with; fails the test if it succeeded or failed otherwise. */
    static DlmsException failure(Future<?> future) {
        assertThatThrownBy(() -> await(future)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(DlmsException.class);
        return (DlmsException) future.cause();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
