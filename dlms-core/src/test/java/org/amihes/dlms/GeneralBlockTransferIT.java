package org.amihes.dlms;

import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.objects.GXDLMSProfileGeneric;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client always offers General Block Transfer; a meter that offers it too (aurora-ax1) streams a long answer
 * as general-block-transfer APDUs (tag E0), one that does not (borealis-b7) answers with GET datablocks (C4 02).
 * Either way the rows are exactly the model's.
 */
class GeneralBlockTransferIT {

    static final Instant NOW = Instant.parse("2026-07-07T07:30:00Z");
    static Vertx vertx;
    static FleetSimulator simulator;
    static Transports transports;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Fleet fleet = Fleet.generate(2, List.of("aurora-ax1", "borealis-b7"), 5, "127.14.0.1", MeterReaderIT.freePort());
        simulator = MeterReaderIT.await(FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0"));
        transports = new Transports(vertx, Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        simulator.close();
        vertx.close();
    }

    @ParameterizedTest(name = "{0}: long answer as {1}")
    @CsvSource({"aurora-ax1, E0", "borealis-b7, C402"})
    void aDayOfLoadProfileArrivesWholeInTheMetersBlockMode(String profileName, String blockApdu) throws Exception {
        MeterSpec meter = simulator.fleet().meters().stream().filter(m -> m.profile().equals(profileName))
                .findFirst().orElseThrow();
        VendorProfile profile = VendorProfile.load(profileName);
        SessionSettings settings = new SessionSettings(meter.host(), meter.port(), TransportKind.TCP_WRAPPER, 16, 1,
                AuthenticationLevel.NONE, null, Duration.ofSeconds(2), 256, null); // small PDU: the day needs blocks
        DlmsSession session = MeterReaderIT.await(DlmsSession.open(vertx, vertx.getOrCreateContext(),
                transports.forKind(TransportKind.TCP_WRAPPER), settings));
        try {
            Instant from = NOW.minus(Duration.ofDays(1));
            List<Object[]> rows = MeterReaderIT.await(session.readRowsByRange(
                    new GXDLMSProfileGeneric(profile.loadProfileObis()), from, NOW));
            assertThat(rows).map(CosemServicesIT::row)
                    .containsExactlyElementsOf(CosemServicesIT.expectedByTime(meter, profile, from, NOW));
            List<String> answers = session.exchange().stream().filter(f -> f.startsWith("RX "))
                    .map(f -> f.substring(3 + 16)).toList(); // APDUs after the 8-byte wrapper header
            assertThat(answers).anyMatch(apdu -> apdu.startsWith(blockApdu));
            if (blockApdu.equals("C402")) {
                assertThat(answers).noneMatch(apdu -> apdu.startsWith("E0"));
            }
        } finally {
            MeterReaderIT.await(session.release());
        }
    }
}
