package org.amihes.interop;

import static org.amihes.interop.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Vertx;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.AttributeAddress;
import org.openmuc.jdlms.AuthenticationMechanism;
import org.openmuc.jdlms.DlmsConnection;
import org.openmuc.jdlms.GetResult;
import org.openmuc.jdlms.RawMessageData;
import org.openmuc.jdlms.SecuritySuite;
import org.openmuc.jdlms.TcpConnectionBuilder;
import org.openmuc.jdlms.datatypes.CosemDateFormat.Field;
import org.openmuc.jdlms.datatypes.CosemDateTime;
import org.openmuc.jdlms.datatypes.DataObject;

/**
 * Direction B: jDLMS's client reads our simulated meters ({@code meter-simulator}, fixed clock) over TCP, wrapper
 * or HDLC as the vendor profile says, as the public client 16 and as the LLS client 32. Expected values come from
 * {@link MeterModel}, never from the simulator's answers.
 */
@Timeout(30)
class JdlmsClientReadsSimulatorTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:34:56Z");
    static final String CLOCK = "0.0.1.0.0.255";
    static final String SERIAL_NUMBER = "0.0.96.1.0.255";
    /** the simulator's LLS management client (see meter-simulator SimulatedMeter) */
    static final int LLS_CLIENT = 32;
    static final int UNIT_WH = 30;

    static Vertx vertx;
    static FleetSimulator simulator;

    enum Association { PUBLIC_NO_AUTH, LLS }

    /** Fleet.generate cycles through WELL_BEHAVED: meter 1 aurora-ax1, 2 borealis-b7 (wrapper), 3 corvus-c3 (HDLC). */
    enum Combination {
        AURORA_WRAPPER_PUBLIC("MTR000001", Association.PUBLIC_NO_AUTH),
        AURORA_WRAPPER_LLS("MTR000001", Association.LLS),
        BOREALIS_WRAPPER_PUBLIC("MTR000002", Association.PUBLIC_NO_AUTH),
        BOREALIS_WRAPPER_LLS("MTR000002", Association.LLS),
        CORVUS_HDLC_PUBLIC("MTR000003", Association.PUBLIC_NO_AUTH),
        CORVUS_HDLC_LLS("MTR000003", Association.LLS);

        final String meterId;
        final Association association;

        Combination(String meterId, Association association) {
            this.meterId = meterId;
            this.association = association;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Fleet fleet = Fleet.generate(3, VendorProfile.WELL_BEHAVED, 11, "127.4.0.1", Loopback.freePort());
        assertThat(fleet.meters()).extracting(MeterSpec::profile).containsExactly("aurora-ax1", "borealis-b7", "corvus-c3");
        simulator = await(FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (simulator != null) {
            simulator.close();
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    /** A jDLMS connection, associated; {@code undecodable} collects the server APDUs jDLMS could not decode. */
    static DlmsConnection connect(Combination c, List<byte[]> undecodable) throws IOException {
        return connect(c, undecodable, new CopyOnWriteArrayList<>());
    }

    /** The same, {@code server} collecting every message from the meter as jDLMS reports it. */
    static DlmsConnection connect(Combination c, List<byte[]> undecodable, List<byte[]> server) throws IOException {
        MeterSpec meter = simulator.fleet().meter(c.meterId);
        TcpConnectionBuilder builder = clientFor(meter)
                .setRawMessageListener(m -> {
                    // jDLMS reports a server message it decoded as the whole frame (wrapper 00 01 .., HDLC 7E ..),
                    // one it failed to decode as the bare APDU
                    byte[] message = m.getMessage();
                    if (m.getMessageSource() == RawMessageData.MessageSource.SERVER) {
                        server.add(message);
                    }
                    if (m.getMessageSource() == RawMessageData.MessageSource.SERVER && message.length > 0
                            && message[0] != 0x00 && message[0] != 0x7E) {
                        undecodable.add(message);
                    }
                });
        return (c.association == Association.LLS ? asLlsClient(builder, meter) : builder.setClientId(Fleet.PUBLIC_CLIENT))
                .build();
    }

    /** A jDLMS client for this meter: its address and logical device, the framing its vendor profile says. */
    static TcpConnectionBuilder clientFor(MeterSpec meter) throws IOException {
        TcpConnectionBuilder builder = new TcpConnectionBuilder(InetAddress.getByName(meter.host()))
                .setPort(meter.port())
                .setLogicalDeviceId(meter.logicalDevice())
                .setResponseTimeout(3000);
        if (VendorProfile.load(meter.profile()).framing() == VendorProfile.Framing.HDLC) {
            builder.useHdlc();
        } else {
            builder.useWrapper();
        }
        return builder;
    }

    /** As the simulator's LLS management client, with the meter's password. */
    static TcpConnectionBuilder asLlsClient(TcpConnectionBuilder builder, MeterSpec meter) {
        return builder.setClientId(LLS_CLIENT).setSecuritySuite(SecuritySuite.builder()
                .setAuthenticationMechanism(AuthenticationMechanism.LOW)
                .setPassword(meter.llsPassword().getBytes(StandardCharsets.US_ASCII))
                .build());
    }

    // ---------------------------------------------------------------- what interoperates

    @ParameterizedTest
    @EnumSource(Combination.class)
    void associatesAndReadsRegisterScalerUnitAndClockAsTheModelSays(Combination c) throws Exception {
        MeterSpec meter = simulator.fleet().meter(c.meterId);
        VendorProfile profile = VendorProfile.load(meter.profile());
        AttributeAddress value = new AttributeAddress(3, profile.energyObis(), 2);
        AttributeAddress scalerUnit = new AttributeAddress(3, profile.energyObis(), 3);
        AttributeAddress time = new AttributeAddress(8, CLOCK, 2);
        AttributeAddress serial = new AttributeAddress(1, SERIAL_NUMBER, 2);

        DlmsConnection connection = connect(c, new CopyOnWriteArrayList<>());
        try {
            // one GET each
            assertValue(connection.get(value), meter, profile);
            assertScalerUnit(connection.get(scalerUnit), profile);
            assertClock(connection.get(time));

            // GET-with-list, all four in one request
            List<GetResult> list = connection.get(List.of(value, scalerUnit, time, serial));
            assertThat(list).hasSize(4);
            assertValue(list.get(0), meter, profile);
            assertScalerUnit(list.get(1), profile);
            assertClock(list.get(2));
            assertThat(list.get(3).getResultCode()).isEqualTo(AccessResultCode.SUCCESS);
            DataObject serialData = list.get(3).getResultData();
            assertThat(new String((byte[]) serialData.getValue(), StandardCharsets.US_ASCII)).isEqualTo(meter.serialNumber());

            // an object the meter does not have: a clean data-access-result, not a broken session
            GetResult absent = connection.get(new AttributeAddress(3, "1.0.2.8.0.255", 2));
            assertThat(absent.getResultCode()).isEqualTo(AccessResultCode.OBJECT_UNDEFINED);
            assertValue(connection.get(value), meter, profile);
        } finally {
            // ends the link without an RLRQ (HDLC: DISC/UA; wrapper: TCP close): release is covered below
            connection.close();
        }
    }

    // ---------------------------------------------------------------- block transfer of a GET-with-list

    /**
     * A GET-with-list whose answer is longer than the meter's PDU (corvus-c3: 256 bytes; aurora-ax1: 1024, here with
     * its 7-day load profile) comes in Get-Response-With-Datablock blocks, which jDLMS requests one by one and puts
     * together: every value as the model has it.
     */
    @ParameterizedTest
    @EnumSource(value = Combination.class, names = {"CORVUS_HDLC_PUBLIC", "CORVUS_HDLC_LLS", "AURORA_WRAPPER_PUBLIC"})
    void longGetWithListArrivesInDataBlocksThatJdlmsPutsTogether(Combination c) throws Exception {
        MeterSpec meter = simulator.fleet().meter(c.meterId);
        VendorProfile profile = VendorProfile.load(meter.profile());
        AttributeAddress value = new AttributeAddress(3, profile.energyObis(), 2);
        AttributeAddress scalerUnit = new AttributeAddress(3, profile.energyObis(), 3);
        AttributeAddress time = new AttributeAddress(8, CLOCK, 2);
        AttributeAddress events = new AttributeAddress(7, "0.0.99.98.0.255", 2);
        AttributeAddress loadProfile = new AttributeAddress(7, profile.loadProfileObis(), 2);
        AttributeAddress name = new AttributeAddress(1, "0.0.42.0.0.255", 2);
        List<byte[]> undecodable = new CopyOnWriteArrayList<>();
        List<byte[]> server = new CopyOnWriteArrayList<>();

        DlmsConnection connection = connect(c, undecodable, server);
        List<GetResult> list;
        try {
            list = connection.get(List.of(time, events, name, scalerUnit, value, loadProfile));
        } finally {
            connection.close();
        }

        assertThat(undecodable).isEmpty();
        // Get-Response-With-Datablock (C4 02), over the wrapper or after the HDLC LLC (E6 E7 00)
        assertThat(server).filteredOn(m -> Acse.HEX.formatHex(Acse.apduOfJdlmsMessage(m)).startsWith("C402")
                || Acse.HEX.formatHex(m).contains("E6E700C402")).hasSizeGreaterThan(1);
        assertThat(list).hasSize(6).allSatisfy(r -> assertThat(r.getResultCode()).isEqualTo(AccessResultCode.SUCCESS));
        assertClock(list.get(0));
        List<org.amihes.simulator.MeterEvent> expected = org.amihes.simulator.EventLog.events(meter,
                NOW.minus(org.amihes.simulator.EventLog.DEPTH), NOW);
        List<DataObject> rows = list.get(1).getResultData().getValue();
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < rows.size(); i++) {
            List<DataObject> row = rows.get(i).getValue();
            assertThat(instant(row.get(0).getValue())).isEqualTo(expected.get(i).at());
            assertThat(((Number) row.get(1).getValue()).intValue()).isEqualTo(expected.get(i).code());
        }
        assertThat(new String((byte[]) list.get(2).getResultData().getValue(), StandardCharsets.US_ASCII))
                .isEqualTo(profile.manufacturer() + meter.serialNumber());
        assertScalerUnit(list.get(3), profile);
        assertValue(list.get(4), meter, profile);
        List<DataObject> loadRows = list.get(5).getResultData().getValue();
        long period = profile.loadProfileCaptureSeconds();
        Instant newest = Instant.ofEpochSecond(Math.floorDiv(NOW.getEpochSecond(), period) * period);
        assertThat(loadRows).hasSize((int) (org.amihes.simulator.LoadProfile.DEPTH.getSeconds() / period));
        for (int i = 0; i < loadRows.size(); i++) {
            List<DataObject> row = loadRows.get(i).getValue();
            Instant at = newest.minusSeconds((loadRows.size() - 1 - i) * period);
            assertThat(instant(row.get(0).getValue())).isEqualTo(at);
            assertThat(BigInteger.valueOf(((Number) row.get(1).getValue()).longValue()))
                    .isEqualTo(MeterModel.energyRaw(meter, profile, at));
        }
    }

    /** A COSEM date-time (12 octets) the meter sent: deviation 0 and a day of week that matches the date. */
    static Instant instant(byte[] octets) {
        assertThat(octets).hasSize(12);
        CosemDateTime t = CosemDateTime.decode(octets);
        assertThat(t.get(Field.DEVIATION)).isZero();
        LocalDateTime local = LocalDateTime.of(t.get(Field.YEAR), t.get(Field.MONTH), t.get(Field.DAY_OF_MONTH),
                t.get(Field.HOUR), t.get(Field.MINUTE), t.get(Field.SECOND));
        assertThat(t.get(Field.DAY_OF_WEEK)).isEqualTo(local.getDayOfWeek().getValue());
        return local.toInstant(ZoneOffset.UTC);
    }

    // ---------------------------------------------------------------- incompatibility 3: fixed

    /**
     * Gurux 4.0.47's server answered the RLRQ with an RLRE whose BER lengths were too short (declared 0x11 and 0x0F
     * for 21 and 16 bytes), and jDLMS's {@code disconnect()} failed with an EOFException. The simulator now corrects
     * the lengths ({@code RlreLengths}; on HDLC the FCS too): jDLMS releases cleanly over the wrapper and HDLC.
     */
    @ParameterizedTest
    @EnumSource(Combination.class)
    void releaseCompletesWithTheCorrectedRlre(Combination c) throws Exception {
        List<byte[]> undecodable = new CopyOnWriteArrayList<>();
        DlmsConnection connection = connect(c, undecodable);
        MeterSpec meter = simulator.fleet().meter(c.meterId);
        assertValue(connection.get(new AttributeAddress(3, VendorProfile.load(meter.profile()).energyObis(), 2)),
                meter, VendorProfile.load(meter.profile()));

        assertThat(catchThrowable(connection::disconnect)).isNull();
        assertThat(undecodable).isEmpty();
    }

    // ---------------------------------------------------------------- expectations, from MeterModel only

    static void assertValue(GetResult result, MeterSpec meter, VendorProfile profile) {
        assertThat(result.getResultCode()).isEqualTo(AccessResultCode.SUCCESS);
        DataObject data = result.getResultData();
        assertThat(data.isNumber()).as("register value is numeric: %s", data).isTrue();
        BigInteger expected = MeterModel.energyRaw(meter, profile, NOW);
        assertThat(BigInteger.valueOf(((Number) data.getValue()).longValue())).isEqualTo(expected);
    }

    static void assertScalerUnit(GetResult result, VendorProfile profile) {
        assertThat(result.getResultCode()).isEqualTo(AccessResultCode.SUCCESS);
        DataObject data = result.getResultData();
        assertThat(data.getType()).isEqualTo(DataObject.Type.STRUCTURE);
        List<DataObject> su = data.getValue();
        assertThat(su).hasSize(2);
        assertThat(su.get(0).getType()).isEqualTo(DataObject.Type.INTEGER);
        assertThat(((Number) su.get(0).getValue()).intValue()).isEqualTo(profile.energyScaler());
        assertThat(su.get(1).getType()).isEqualTo(DataObject.Type.ENUMERATE);
        assertThat(((Number) su.get(1).getValue()).intValue()).isEqualTo(UNIT_WH);
    }

    static void assertClock(GetResult result) {
        assertThat(result.getResultCode()).isEqualTo(AccessResultCode.SUCCESS);
        DataObject data = result.getResultData();
        assertThat(data.getType()).isEqualTo(DataObject.Type.OCTET_STRING); // clock.time is octet-string(12)
        byte[] octets = data.getValue();
        assertThat(octets).hasSize(12);
        CosemDateTime t = CosemDateTime.decode(octets);
        assertThat(t.get(Field.DEVIATION)).isZero();
        LocalDateTime local = LocalDateTime.of(t.get(Field.YEAR), t.get(Field.MONTH), t.get(Field.DAY_OF_MONTH),
                t.get(Field.HOUR), t.get(Field.MINUTE), t.get(Field.SECOND));
        assertThat(local.toInstant(ZoneOffset.UTC)).isEqualTo(NOW);
        assertThat(t.get(Field.DAY_OF_WEEK)).isEqualTo(7); // 2026-03-01 is a Sunday
    }
}
