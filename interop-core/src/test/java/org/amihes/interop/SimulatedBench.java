package org.amihes.interop;

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
import java.util.concurrent.TimeUnit;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.InMemoryInvocationCounterStore;
import org.amihes.dlms.InvocationCounterStore;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.SimulatorOptions;
import org.amihes.simulator.VendorProfile;

/**
 * A simulated fleet in process and a {@link Prober} beside it, with each meter's target built the way a lab would:
 * host and transport from the meter, the management association from its vendor profile and the fleet's keys, the
 * declaration shipped for its vendor.
 */
final class SimulatedBench implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-03-01T12:34:56Z");

    final Vertx vertx = Vertx.vertx();
    final FleetSimulator simulator;
    final Prober prober;
    final InvocationCounterStore counters = new InMemoryInvocationCounterStore();

    SimulatedBench(int meters, List<String> profiles, long seed, String firstHost) throws Exception {
        Fleet fleet = Fleet.generate(meters, profiles, seed, firstHost, freePort());
        simulator = await(FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0",
                SimulatorOptions.DEFAULTS));
        prober = new Prober(vertx, await(EventLoops.deploy(vertx, 2)), new Transports(vertx, Duration.ofSeconds(2)));
    }

    MeterSpec meterOf(String profile) {
        return simulator.fleet().meters().stream().filter(m -> m.profile().equals(profile)).findFirst().orElseThrow();
    }

    /** As association-service proposes by default: 1024 bytes, 256 over HDLC (serial gateways). */
    ProbeTarget target(MeterSpec meter) {
        VendorProfile p = VendorProfile.load(meter.profile());
        return target(meter, p.framing() == VendorProfile.Framing.HDLC ? 256 : SessionSettings.DEFAULT_MAX_PDU);
    }

    ProbeTarget target(MeterSpec meter, int pdu) {
        VendorProfile p = VendorProfile.load(meter.profile());
        TransportKind transport = p.framing() == VendorProfile.Framing.HDLC ? TransportKind.TCP_HDLC
                : TransportKind.TCP_WRAPPER;
        SessionSettings open = new SessionSettings(meter.host(), meter.port(), transport, 16, 1,
                AuthenticationLevel.NONE, null, Duration.ofSeconds(2), pdu, null);
        return new ProbeTarget(meter.meterId(), p.name(), open, management(meter, p, transport, pdu), null,
                MeterDeclaration.builtIn(p.name()));
    }

    private SessionSettings management(MeterSpec meter, VendorProfile p, TransportKind transport, int pdu) {
        AuthenticationLevel level = AuthenticationLevel.valueOf(p.hlsAuthentication());
        if (level == AuthenticationLevel.NONE) {
            return new SessionSettings(meter.host(), meter.port(), transport, 32, 1, AuthenticationLevel.LOW,
                    meter.llsPassword(), Duration.ofSeconds(2), pdu, null);
        }
        MeterKeys keys = simulator.fleet().keys(meter.meterId());
        KeyPair headEnd = level == AuthenticationLevel.HIGH_ECDSA
                ? simulator.fleet().headEndSigningKey(p.securitySuite()) : null;
        SecuritySettings security = new SecuritySettings(p.securitySuite(),
                SecuritySettings.SecurityPolicy.valueOf(p.securityPolicy()), MeterKeys.HEAD_END_SYSTEM_TITLE,
                keys.blockCipherKey(), keys.authenticationKey(), null, 0, headEnd,
                headEnd == null ? null : keys.signingKey().getPublic(),
                level == AuthenticationLevel.HIGH_SHA256 ? keys.hlsSecret() : null);
        return new SessionSettings(meter.host(), meter.port(), transport, 1, 1, level, null, Duration.ofSeconds(2),
                pdu, security);
    }

    MeterVerdict probe(ProbeTarget target, InteropPlan plan, PlanOptions options) throws Exception {
        return await(prober.probe(target, plan, options, counters));
    }

    static PlanOptions options() {
        return PlanOptions.DEFAULTS.withAllowWrites(true).withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        simulator.close();
        await(vertx.close());
    }
}
