package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.GXDateTime;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.enums.Unit;
import gurux.dlms.objects.GXDLMSActivityCalendar;
import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDayProfile;
import gurux.dlms.objects.GXDLMSDayProfileAction;
import gurux.dlms.objects.GXDLMSExtendedRegister;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSSecuritySetup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every COSEM interface class the head-end relies on, read through {@link DlmsSession} from each vendor profile's
 * management association: Data (1), Extended register (4), Clock (8), Association LN (15), Activity calendar (20)
 * and Security setup (64). (Register (3), Profile generic (7), Image transfer (18) and Disconnect control (70) are
 * proven in {@link MeterReaderIT} and {@link CosemServicesIT}.) Expected values come from {@link MeterModel}, the
 * meter's {@link MeterSpec} and vendor profile, and the Blue Book (class ids, units, OBIS codes).
 */
@Timeout(30)
class CosemClassesIT {

    static final Instant NOW = Instant.parse("2026-03-01T12:34:56Z");

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(4, VendorProfile.BUILT_IN, 2020, "127.18.0.1").at(NOW);

    /** HLS sessions must each start above the counter the meter last accepted. */
    static final AtomicLong invocationCounter = new AtomicLong(1);

    @ParameterizedTest
    @ValueSource(strings = {"aurora-ax1", "borealis-b7", "corvus-c3", "delta-q9"})
    void theObjectListNamesEveryClassTheHeadEndUses(String profile) throws Exception {
        MeterSpec meter = sim.meterOf(profile);
        VendorProfile vendor = VendorProfile.load(profile);
        GXDLMSAssociationLogicalName association = new GXDLMSAssociationLogicalName("0.0.40.0.0.255");
        withSession(meter, session -> await(session.read(association, 2)));

        Set<String> listed = association.getObjectList().stream()
                .map(o -> o.getObjectType().getValue() + "/" + o.getLogicalName()).collect(Collectors.toSet());
        // class id / logical name, Blue Book class ids; corvus-c3's 256-byte PDU makes this a block transfer
        assertThat(listed).contains(
                "1/0.0.96.1.0.255", // Data: serial number
                "3/" + vendor.energyObis(), // Register
                "4/1.0.1.6.0.255", // Extended register: maximum demand
                "7/" + vendor.loadProfileObis(), // Profile generic
                "8/0.0.1.0.0.255", // Clock
                "18/0.0.44.0.0.255", // Image transfer
                "20/0.0.13.0.0.255", // Activity calendar
                "64/0.0.43.0.0.255", // Security setup
                "70/0.0.96.3.10.255"); // Disconnect control
    }

    @ParameterizedTest
    @ValueSource(strings = {"aurora-ax1", "corvus-c3"})
    void dataClockAndExtendedRegisterHoldTheModelsValues(String profile) throws Exception {
        MeterSpec meter = sim.meterOf(profile);
        VendorProfile vendor = VendorProfile.load(profile);
        GXDLMSData serial = new GXDLMSData("0.0.96.1.0.255");
        GXDLMSData deviceName = new GXDLMSData("0.0.42.0.0.255");
        GXDLMSClock clock = new GXDLMSClock("0.0.1.0.0.255");
        GXDLMSExtendedRegister maxDemand = new GXDLMSExtendedRegister("1.0.1.6.0.255");
        withSession(meter, session -> {
            for (GXDLMSObject o : List.<GXDLMSObject>of(serial, deviceName)) {
                await(session.read(o, 2));
            }
            await(session.read(clock, 2));
            await(session.read(clock, 3));
            for (int attribute = 2; attribute <= 5; attribute++) {
                await(session.read(maxDemand, attribute));
            }
        });

        assertThat(text(serial.getValue())).isEqualTo(meter.serialNumber());
        // a logical device name starts with the manufacturer's three-letter FLAG id (Blue Book, 0.0.42.0.0.255)
        assertThat(text(deviceName.getValue())).isEqualTo(vendor.manufacturer() + meter.serialNumber());
        assertThat(clock.getTime().getValue().toInstant()).isEqualTo(NOW);
        assertThat(clock.getTimeZone()).isZero();
        assertThat(((Number) maxDemand.getValue()).longValue()).isEqualTo(MeterModel.maxDemandW(meter));
        assertThat(maxDemand.getUnit()).isEqualTo(Unit.ACTIVE_POWER); // 27, W
        assertThat(maxDemand.getCaptureTime().getValue().toInstant()).isEqualTo(MeterModel.maxDemandTime(meter, NOW));
        assertThat(((Number) maxDemand.getStatus()).intValue()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aurora-ax1", "corvus-c3"})
    void theActivityCalendarIsTheDocumentedTwoRateTariff(String profile) throws Exception {
        GXDLMSActivityCalendar calendar = new GXDLMSActivityCalendar("0.0.13.0.0.255");
        withSession(sim.meterOf(profile), session -> {
            await(session.read(calendar, 2));
            await(session.read(calendar, 5));
        });

        assertThat(calendar.getCalendarNameActive()).isEqualTo("STANDARD");
        GXDLMSDayProfile[] days = calendar.getDayProfileTableActive();
        assertThat(days).hasSize(1);
        // off-peak (script 2) from 00:00, peak (script 1) 07:00-23:00, as the simulator documents its tariff
        assertThat(List.of(days[0].getDaySchedules()).stream().map(CosemClassesIT::action).toList()).containsExactly(
                "00:00 0.0.10.0.100.255 2", "07:00 0.0.10.0.100.255 1", "23:00 0.0.10.0.100.255 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aurora-ax1", "borealis-b7", "delta-q9"})
    void theSecuritySetupStatesTheSuiteAndTheMetersSystemTitle(String profile) throws Exception {
        MeterSpec meter = sim.meterOf(profile);
        VendorProfile vendor = VendorProfile.load(profile);
        GXDLMSSecuritySetup setup = new GXDLMSSecuritySetup("0.0.43.0.0.255");
        withSession(meter, session -> {
            await(session.read(setup, 3));
            await(session.read(setup, 5));
        });

        assertThat(setup.getSecuritySuite().getValue()).isEqualTo(vendor.securitySuite());
        // system title: the FLAG id (3 bytes) then the serial number's digits as a 5-byte number
        long serial = Long.parseLong(meter.serialNumber().replaceAll("\\D", ""));
        String expected = HexFormat.of().formatHex(vendor.manufacturer().getBytes(StandardCharsets.US_ASCII))
                + String.format("%010x", serial);
        assertThat(HexFormat.of().formatHex(setup.getServerSystemTitle())).isEqualTo(expected);
        assertThat(setup.getObjectType()).isEqualTo(ObjectType.SECURITY_SETUP);
    }

    private interface SessionWork {
        void run(DlmsSession session) throws Exception;
    }

    private static void withSession(MeterSpec meter, SessionWork work) throws Exception {
        TransportKind transport = VendorProfile.load(meter.profile()).framing() == VendorProfile.Framing.HDLC
                ? TransportKind.TCP_HDLC : TransportKind.TCP_WRAPPER;
        DlmsSession session = sim.open(sim.managementSettings(meter, transport, invocationCounter.getAndAdd(100)));
        try {
            work.run(session);
        } finally {
            await(session.release());
        }
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(value);
    }

    private static String action(GXDLMSDayProfileAction a) {
        GXDateTime start = a.getStartTime();
        return String.format("%02d:%02d %s %d", start.getLocalCalendar().get(java.util.Calendar.HOUR_OF_DAY),
                start.getLocalCalendar().get(java.util.Calendar.MINUTE), a.getScriptLogicalName(), a.getScriptSelector());
    }
}
