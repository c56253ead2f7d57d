package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSExtendedRegister;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.EventLog;
import org.amihes.simulator.LoadProfile;
import org.amihes.simulator.MeterEvent;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DlmsSession#readList} of ten attributes whose answer (about 18 kB, most of it the load profile buffer) is far
 * longer than the meter's PDU: the meter sends the list result by block transfer (Get-Response-With-Datablock), the
 * client asks for each next block, and every value arrives and equals what {@link MeterModel} and {@link EventLog}
 * say. Over HDLC with a 256-byte PDU and LLS (corvus-c3), and on ciphered associations, each block ciphered on its
 * own: HLS-GMAC suite 0 with General Block Transfer offered (aurora-ax1), HLS-ECDSA suite 2 (borealis-b7),
 * HLS-SHA256 authenticated only (delta-q9), HLS-GMAC encrypted only (test-gmac-encrypted).
 */
@Timeout(60)
class WithListBlockTransferIT {

    static final Instant NOW = Instant.parse("2026-07-07T07:07:07Z");
    static final List<String> PROFILES = List.of("corvus-c3", "aurora-ax1", "borealis-b7", "delta-q9",
            "test-gmac-encrypted");
    static final AtomicLong COUNTER = new AtomicLong(1_000);

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(PROFILES.size(), PROFILES, 707, "127.17.0.1").at(NOW);

    @ParameterizedTest
    @ValueSource(strings = {"corvus-c3", "aurora-ax1", "borealis-b7", "delta-q9", "test-gmac-encrypted"})
    void aListLongerThanThePduArrivesWholeInBlocks(String profileName) throws Exception {
        MeterSpec meter = sim.meterOf(profileName);
        VendorProfile profile = VendorProfile.load(profileName);
        TransportKind transport = profile.framing() == VendorProfile.Framing.HDLC
                ? TransportKind.TCP_HDLC : TransportKind.TCP_WRAPPER;
        SessionSettings settings = sim.managementSettings(meter, transport,
                COUNTER.addAndGet(1_000));
        DlmsSession session = sim.open(settings);
        try {
            int pdu = session.negotiatedMaxPduSize();
            assertThat(pdu).isEqualTo(Math.min(profile.maxPduSize(), settings.maxPduSize()));
            GXDLMSRegister energy = new GXDLMSRegister(profile.energyObis());
            GXDLMSProfileGeneric loadProfile = new GXDLMSProfileGeneric(profile.loadProfileObis());
            GXDLMSProfileGeneric eventLog = new GXDLMSProfileGeneric("0.0.99.98.0.255");
            GXDLMSExtendedRegister maxDemand = new GXDLMSExtendedRegister("1.0.1.6.0.255");
            // the client decodes a buffer column by column: it needs the capture objects first
            await(session.read(loadProfile, 3));
            await(session.read(eventLog, 3));
            List<Map.Entry<GXDLMSObject, Integer>> list = List.of(entry(new GXDLMSClock("0.0.1.0.0.255"), 2),
                    entry(eventLog, 2), entry(new GXDLMSData("0.0.42.0.0.255"), 2),
                    entry(new GXDLMSData("0.0.96.1.0.255"), 2), entry(energy, 3), entry(energy, 2),
                    entry(maxDemand, 3), entry(loadProfile, 2), entry(maxDemand, 2), entry(maxDemand, 5));

            List<Object> values = await(session.readList(list));

            assertThat(values).hasSize(10);
            assertThat(dateTime(values.get(0))).isEqualTo(NOW);
            List<MeterEvent> events = EventLog.events(meter, NOW.minus(EventLog.DEPTH), NOW);
            // buffers as the client decoded them into the profile objects, column by column
            assertThat(eventLog.getBuffer()).hasSize(events.size());
            for (int i = 0; i < events.size(); i++) {
                Object[] row = (Object[]) eventLog.getBuffer()[i];
                assertThat(dateTime(row[0])).isEqualTo(events.get(i).at());
                assertThat(((Number) row[1]).intValue()).isEqualTo(events.get(i).code());
            }
            assertThat(text(values.get(2))).isEqualTo(profile.manufacturer() + meter.serialNumber());
            assertThat(text(values.get(3))).isEqualTo(meter.serialNumber());
            List<?> scalerUnit = (List<?>) values.get(4);
            assertThat(((Number) scalerUnit.get(0)).intValue()).isEqualTo(profile.energyScaler());
            assertThat(((Number) scalerUnit.get(1)).intValue()).isEqualTo(30); // Wh
            if (profile.energyRegisterNull()) {
                assertThat(values.get(5)).isNull(); // the vendor's mapping quirk, in blocks as in one PDU
            } else {
                assertThat(((Number) values.get(5)).longValue())
                        .isEqualTo(MeterModel.energyRaw(meter, profile, NOW).longValueExact());
            }
            List<?> maxDemandScalerUnit = (List<?>) values.get(6);
            assertThat(((Number) maxDemandScalerUnit.get(0)).intValue()).isZero();
            assertThat(((Number) maxDemandScalerUnit.get(1)).intValue()).isEqualTo(27); // W
            assertLoadProfile(meter, profile, loadProfile.getBuffer());
            assertThat(((Number) values.get(8)).longValue()).isEqualTo(MeterModel.maxDemandW(meter));
            assertThat(dateTime(values.get(9))).isEqualTo(MeterModel.maxDemandTime(meter, NOW));

            // far more than one PDU: the last exchanges were GET-request-next and a block each
            List<String> last = session.exchange();
            assertThat(last).hasSizeGreaterThan(20);
            assertThat(last.subList(last.size() - 20, last.size()))
                    .allSatisfy(f -> assertThat(f).matches("(TX|RX) .*"))
                    .filteredOn(f -> f.startsWith("RX ")).hasSize(10);
            if (settings.security() == null) {
                // in clear over HDLC: the last frame is the last block, C4 02 with last-block TRUE
                assertThat(last.get(last.size() - 1)).contains("E6E700C402").matches("RX .{22}C402..01.*");
            }
        } finally {
            await(session.release());
        }
    }

    /** One row per capture boundary over the last {@link LoadProfile#DEPTH}, the energy column from the model. */
    static void assertLoadProfile(MeterSpec meter, VendorProfile profile, Object[] rows) {
        long period = profile.loadProfileCaptureSeconds();
        Instant newest = Instant.ofEpochSecond(Math.floorDiv(NOW.getEpochSecond(), period) * period);
        assertThat(rows).hasSize((int) (LoadProfile.DEPTH.getSeconds() / period));
        for (int i = 0; i < rows.length; i++) {
            Object[] row = (Object[]) rows[i];
            Instant at = newest.minusSeconds((rows.length - 1 - i) * period);
            assertThat(dateTime(row[0])).isEqualTo(at);
            assertThat(((Number) row[1]).longValue()).isEqualTo(MeterModel.energyRaw(meter, profile, at).longValueExact());
        }
    }

    static Map.Entry<GXDLMSObject, Integer> entry(GXDLMSObject object, int attribute) {
        return new AbstractMap.SimpleEntry<>(object, attribute);
    }

    static String text(Object value) {
        return value instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(value);
    }

    /**
     * A date-time as the client left it: decoded by Gurux (a buffer's clock column), or the COSEM octet-string
     * (Blue Book: year (2), month, day, weekday, hour, minute, second, hundredths, deviation (2), status).
     */
    static Instant dateTime(Object value) {
        if (value instanceof gurux.dlms.GXDateTime decoded) {
            return decoded.getValue().toInstant();
        }
        byte[] b = (byte[]) value;
        assertThat(b).hasSize(12);
        assertThat(((b[9] & 0xFF) << 8) | (b[10] & 0xFF)).as("deviation: UTC").isZero();
        return LocalDateTime.of(((b[0] & 0xFF) << 8) | (b[1] & 0xFF), b[2], b[3], b[5], b[6], b[7])
                .toInstant(ZoneOffset.UTC);
    }
}
