package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client always offers General Block Transfer; a meter that offers it too (aurora-ax1) streams a long answer
 * as general-block-transfer APDUs (tag E0), one that does not (borealis-b7) answers with GET datablocks (C4 02).
 * Either way the rows are exactly the model's.
 */
class GeneralBlockTransferIT {

    static final Instant NOW = Instant.parse("2026-07-07T07:30:00Z");

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(2, List.of("aurora-ax1", "borealis-b7"), 5, "127.14.0.1")
            .at(NOW);

    @ParameterizedTest(name = "{0}: long answer as {1}")
    @CsvSource({"aurora-ax1, E0", "borealis-b7, C402"})
    void aDayOfLoadProfileArrivesWholeInTheMetersBlockMode(String profileName, String blockApdu) throws Exception {
        MeterSpec meter = sim.meterOf(profileName);
        VendorProfile profile = VendorProfile.load(profileName);
        SessionSettings settings = new SessionSettings(meter.host(), meter.port(), TransportKind.TCP_WRAPPER, 16, 1,
                AuthenticationLevel.NONE, null, Duration.ofSeconds(2), 256, null); // small PDU: the day needs blocks
        DlmsSession session = sim.open(settings);
        try {
            Instant from = NOW.minus(Duration.ofDays(1));
            List<Object[]> rows = await(session.readRowsByRange(
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
            await(session.release());
        }
    }
}
