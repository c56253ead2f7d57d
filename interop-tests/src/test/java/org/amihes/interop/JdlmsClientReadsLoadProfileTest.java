package org.amihes.interop;

import static org.amihes.interop.Acse.HEX;
import static org.amihes.interop.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.interop.GreenBookGcm.Ciphered;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.LoadProfile;
import org.amihes.simulator.MeterKeys;
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
import org.openmuc.jdlms.DlmsConnection;
import org.openmuc.jdlms.GetResult;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.RawMessageData;
import org.openmuc.jdlms.RawMessageData.MessageSource;
import org.openmuc.jdlms.SecuritySuite;
import org.openmuc.jdlms.SecuritySuite.EncryptionMechanism;
import org.openmuc.jdlms.SelectiveAccessDescription;
import org.openmuc.jdlms.TcpConnectionBuilder;
import org.openmuc.jdlms.datatypes.CosemDateTime;
import org.openmuc.jdlms.datatypes.DataObject;

/**
 * Direction B for profile buffers: jDLMS's client reads the simulator's load profile (class 7, attribute 2: capture
 * objects clock 0.0.1.0.0.255 and the energy register's value) with selective access by range (selector 1) and by
 * entry (selector 2), in answers long enough for GET-response-with-datablock, in a whole session: associate, reads,
 * release (RLRQ/RLRE; on HDLC also DISC/UA). Every combination both stacks implement: public client and LLS over the
 * wrapper (aurora-ax1 1024-byte PDU, borealis-b7 512) and HDLC (corvus-c3, 256), and HLS-GMAC suite 0 over the
 * wrapper (aurora-ax1; no simulator profile has HLS over HDLC). Expected rows come from {@link MeterModel} (one row
 * per capture boundary, {@link LoadProfile#DEPTH} deep), never from the simulator's answers.
 */
@Timeout(30)
class JdlmsClientReadsLoadProfileTest {

    static final Instant NOW = JdlmsClientReadsSimulatorTest.NOW;
    static final String CLOCK = JdlmsClientReadsSimulatorTest.CLOCK;
    static final int PROFILE_GENERIC = 7;
    static final int BUFFER = 2;
    static final int CLASS_CLOCK = 8;
    static final int CLASS_REGISTER = 3;
    static final int MANAGEMENT_CLIENT = JdlmsHlsGmacClientReadsSimulatorTest.MANAGEMENT_CLIENT;
    /** xDLMS tags: get-response (C4) with-datablock (02), glo-get-response (CC) */
    static final int GET_RESPONSE = 0xC4;
    static final int WITH_DATABLOCK = 0x02;
    static final int GLO_GET_RESPONSE = 0xCC;

    /** The simulator keeps each meter's invocation counter across connections: every association counts higher. */
    static final AtomicLong COUNTER = new AtomicLong(1_000);

    static Vertx vertx;
    static FleetSimulator simulator;

    enum Association { PUBLIC_NO_AUTH, LLS, HLS_GMAC }

    /** Fleet.generate cycles through WELL_BEHAVED: meter 1 aurora-ax1, 2 borealis-b7 (wrapper), 3 corvus-c3 (HDLC). */
    enum Combination {
        AURORA_WRAPPER_PUBLIC("MTR000001", Association.PUBLIC_NO_AUTH),
        AURORA_WRAPPER_LLS("MTR000001", Association.LLS),
        AURORA_WRAPPER_HLS_GMAC("MTR000001", Association.HLS_GMAC),
        BOREALIS_WRAPPER_PUBLIC("MTR000002", Association.PUBLIC_NO_AUTH),
        BOREALIS_WRAPPER_LLS("MTR000002", Association.LLS),
        CORVUS_HDLC_PUBLIC("MTR000003", Association.PUBLIC_NO_AUTH),
        CORVUS_HDLC_LLS("MTR000003", Association.LLS),
        /** jDLMS proposes 128-byte HDLC information fields: every 256-byte block travels in three I-frames */
        CORVUS_HDLC_PUBLIC_SEGMENTED("MTR000003", Association.PUBLIC_NO_AUTH, 128);

        final String meterId;
        final Association association;
        /** HDLC maximum information field length jDLMS proposes in its SNRM; 0: jDLMS's default, 2030 */
        final int hdlcInformationLength;

        Combination(String meterId, Association association) {
            this(meterId, association, 0);
        }

        Combination(String meterId, Association association, int hdlcInformationLength) {
            this.meterId = meterId;
            this.association = association;
            this.hdlcInformationLength = hdlcInformationLength;
        }

        MeterSpec meter() {
            return simulator.fleet().meter(meterId);
        }

        VendorProfile profile() {
            return VendorProfile.load(meter().profile());
        }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Fleet fleet = Fleet.generate(3, VendorProfile.WELL_BEHAVED, 11, "127.4.2.1", Loopback.freePort());
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

    /** A jDLMS connection, associated; {@code raw} collects every message jDLMS sent and received. */
    static DlmsConnection connect(Combination c, List<RawMessageData> raw) throws IOException {
        MeterSpec meter = c.meter();
        TcpConnectionBuilder builder = JdlmsClientReadsSimulatorTest.clientFor(meter).setRawMessageListener(raw::add);
        if (c.profile().framing() == VendorProfile.Framing.HDLC && c.hdlcInformationLength > 0) {
            builder.setHdlcMaxInformationLength(c.hdlcInformationLength);
        }
        TcpConnectionBuilder client = switch (c.association) {
            case PUBLIC_NO_AUTH -> builder.setClientId(Fleet.PUBLIC_CLIENT);
            case LLS -> JdlmsClientReadsSimulatorTest.asLlsClient(builder, meter);
            case HLS_GMAC -> JdlmsHlsGmacClientReadsSimulatorTest.asManagementClient(builder,
                    simulator.fleet().keys(c.meterId), COUNTER.addAndGet(1_000), EncryptionMechanism.AES_GCM_128,
                    SecuritySuite.SecurityPolicy.AUTHENTICATED_AND_ENCRYPTED);
        };
        return client.build();
    }

    // ---------------------------------------------------------------- by range (selector 1)

    /**
     * One whole day, 96 rows of about 25 bytes: more than any of the three PDU sizes, so the simulator answers with
     * GET-response-with-datablock and jDLMS asks for each next block. Every row is the model's; every block fits
     * the negotiated PDU; the session ends with RLRQ/RLRE.
     */
    @ParameterizedTest
    @EnumSource(Combination.class)
    void oneDayByRangeComesInGetDatablocksAsTheModelSays(Combination c) throws Exception {
        Instant from = Instant.parse("2026-02-28T00:00:00Z");
        Instant to = Instant.parse("2026-02-28T23:45:00Z");
        List<Row> expected = expectedByTime(c, from, to);
        assertThat(expected).hasSize(96);
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();

        session(c, raw, connection -> {
            assertThat(rows(connection.get(byRange(c, from, to, List.of())), 2)).containsExactlyElementsOf(expected);
        });

        assertInGetDatablocks(c, raw, 2);
    }

    /**
     * The whole buffer by range, asked from before its oldest entry: the meter answers its 672 rows (about 17 kB:
     * 69 blocks at corvus-c3's 256-byte PDU, with 128-byte HDLC information fields each in three I-frames), oldest
     * first.
     */
    @ParameterizedTest
    @EnumSource(Combination.class)
    void theWholeWeekByRangeFromBeforeTheOldestEntry(Combination c) throws Exception {
        List<Row> expected = expectedByTime(c, oldest(c), newest(c));
        assertThat(expected).hasSize(672);
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();

        session(c, raw, connection -> {
            List<Row> rows = rows(connection.get(byRange(c, NOW.minus(LoadProfile.DEPTH).minusSeconds(86_400), NOW,
                    List.of())), 2);
            assertThat(rows).containsExactlyElementsOf(expected);
        });

        // ~25 bytes a row: at least size / PDU blocks
        assertInGetDatablocks(c, raw, 672 * 25 / c.profile().maxPduSize());
    }

    /** selected_values names one capture object (the energy register's value): rows of that column only. */
    @ParameterizedTest
    @EnumSource(Combination.class)
    void byRangeWithSelectedValuesReturnsThatColumnOnly(Combination c) throws Exception {
        Instant from = Instant.parse("2026-03-01T00:00:00Z");
        DataObject energyColumn = captureObject(CLASS_REGISTER, c.profile().energyObis(), 2);
        List<Row> expected = expectedByTime(c, from, NOW);
        assertThat(expected).hasSize(51); // 00:00 .. 12:30

        session(c, new CopyOnWriteArrayList<>(), connection -> {
            List<DataObject> rows = buffer(connection.get(byRange(c, from, NOW, List.of(energyColumn))));
            assertThat(rows).hasSize(expected.size());
            for (int i = 0; i < rows.size(); i++) {
                List<DataObject> cells = rows.get(i).getValue();
                assertThat(cells).hasSize(1);
                assertThat(((Number) cells.get(0).getValue()).longValue()).isEqualTo(expected.get(i).energyRaw());
            }
        });
    }

    // ---------------------------------------------------------------- by entry (selector 2)

    /**
     * Entries 1..4 (the oldest), 100..109, from 669 to the newest (to_entry 0), and the whole buffer (1..0, in
     * blocks); columns 2..2 (from_selected_value..to_selected_value) gives the energy column alone.
     */
    @ParameterizedTest
    @EnumSource(Combination.class)
    void byEntryReturnsTheOldestAWindowTheNewestAndSelectedColumns(Combination c) throws Exception {
        List<Row> all = expectedByTime(c, oldest(c), newest(c));
        assertThat(all).hasSize(672);
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();

        session(c, raw, connection -> {
            assertThat(rows(connection.get(byEntry(c, 1, 4, 1, 0)), 2)).containsExactlyElementsOf(all.subList(0, 4));
            assertThat(rows(connection.get(byEntry(c, 100, 109, 1, 0)), 2))
                    .containsExactlyElementsOf(all.subList(99, 109));
            assertThat(rows(connection.get(byEntry(c, 669, 0, 1, 0)), 2)).containsExactlyElementsOf(all.subList(668, 672));
            assertThat(rows(connection.get(byEntry(c, 1, 0, 1, 0)), 2)).containsExactlyElementsOf(all);

            List<DataObject> energyOnly = buffer(connection.get(byEntry(c, 10, 12, 2, 2)));
            assertThat(energyOnly).hasSize(3);
            for (int i = 0; i < 3; i++) {
                List<DataObject> cells = energyOnly.get(i).getValue();
                assertThat(cells).hasSize(1);
                assertThat(((Number) cells.get(0).getValue()).longValue()).isEqualTo(all.get(9 + i).energyRaw());
            }
        });

        assertInGetDatablocks(c, raw, 672 * 25 / c.profile().maxPduSize());
    }

    @FunctionalInterface
    interface Reads {
        void run(DlmsConnection connection) throws Exception;
    }

    /**
     * A whole session: associate, {@code reads}, release (RLRQ/RLRE, and DISC/UA on HDLC), which must complete
     * without an error. After a failed read the link is only dropped (jDLMS refuses to close a connection twice).
     */
    static void session(Combination c, List<RawMessageData> raw, Reads reads) throws Exception {
        DlmsConnection connection = connect(c, raw);
        boolean released = false;
        try {
            reads.run(connection);
            assertThat(catchThrowable(connection::disconnect)).isNull();
            released = true;
        } finally {
            if (!released) {
                connection.close();
            }
        }
    }

    // ---------------------------------------------------------------- requests, as IEC 62056-6-2 (class 7) has them

    /**
     * range_descriptor: restricting_object (capture_object_definition of the clock's time), from_value, to_value
     * (octet-string(12) date-times, deviation 0), selected_values (empty: every column).
     */
    static AttributeAddress byRange(Combination c, Instant from, Instant to, List<DataObject> selectedValues) {
        DataObject parameter = DataObject.newStructureData(captureObject(CLASS_CLOCK, CLOCK, 2),
                DataObject.newOctetStringData(cosemDateTime(from).encode()),
                DataObject.newOctetStringData(cosemDateTime(to).encode()),
                DataObject.newArrayData(selectedValues));
        return new AttributeAddress(PROFILE_GENERIC, c.profile().loadProfileObis(), BUFFER,
                new SelectiveAccessDescription(1, parameter));
    }

    /** entry_descriptor: from_entry, to_entry (0: the newest), from_selected_value, to_selected_value (0: the last). */
    static AttributeAddress byEntry(Combination c, long fromEntry, long toEntry, int fromColumn, int toColumn) {
        DataObject parameter = DataObject.newStructureData(DataObject.newUInteger32Data(fromEntry),
                DataObject.newUInteger32Data(toEntry), DataObject.newUInteger16Data(fromColumn),
                DataObject.newUInteger16Data(toColumn));
        return new AttributeAddress(PROFILE_GENERIC, c.profile().loadProfileObis(), BUFFER,
                new SelectiveAccessDescription(2, parameter));
    }

    /** capture_object_definition: class_id, logical_name, attribute_index, data_index */
    static DataObject captureObject(int classId, String obis, int attribute) {
        return DataObject.newStructureData(DataObject.newUInteger16Data(classId),
                DataObject.newOctetStringData(new ObisCode(obis).bytes()), DataObject.newInteger8Data((byte) attribute),
                DataObject.newUInteger16Data(0));
    }

    /** UTC, deviation 0, clock status 0 */
    static CosemDateTime cosemDateTime(Instant at) {
        LocalDateTime t = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        return new CosemDateTime(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getDayOfWeek().getValue(),
                t.getHour(), t.getMinute(), t.getSecond(), 0, 0);
    }

    // ---------------------------------------------------------------- expectations, from MeterModel only

    record Row(Instant at, long energyRaw) {
    }

    /** The newest capture boundary not after now: the last entry. */
    static Instant newest(Combination c) {
        long period = c.profile().loadProfileCaptureSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(NOW.getEpochSecond(), period) * period);
    }

    /** Entry 1: the buffer reaches {@link LoadProfile#DEPTH} back, one row per capture period. */
    static Instant oldest(Combination c) {
        long period = c.profile().loadProfileCaptureSeconds();
        return newest(c).minus(LoadProfile.DEPTH).plusSeconds(period);
    }

    /** The capture boundaries within [from, to], each with the energy {@link MeterModel} gives there. */
    static List<Row> expectedByTime(Combination c, Instant from, Instant to) {
        long period = c.profile().loadProfileCaptureSeconds();
        List<Row> rows = new ArrayList<>();
        for (long t = Math.floorDiv(from.getEpochSecond() + period - 1, period) * period; t <= to.getEpochSecond();
             t += period) {
            Instant at = Instant.ofEpochSecond(t);
            rows.add(new Row(at, MeterModel.energyRaw(c.meter(), c.profile(), at).longValueExact()));
        }
        return rows;
    }

    // ---------------------------------------------------------------- what jDLMS decoded

    static List<DataObject> buffer(GetResult result) {
        assertThat(result.getResultCode()).isEqualTo(AccessResultCode.SUCCESS);
        DataObject data = result.getResultData();
        assertThat(data.getType()).isEqualTo(DataObject.Type.ARRAY);
        return data.getValue();
    }

    /** The buffer's rows: a date-time (octet-string(12), deviation 0) and a number each. */
    static List<Row> rows(GetResult result, int columns) {
        List<Row> rows = new ArrayList<>();
        for (DataObject row : buffer(result)) {
            assertThat(row.getType()).isEqualTo(DataObject.Type.STRUCTURE);
            List<DataObject> cells = row.getValue();
            assertThat(cells).hasSize(columns);
            assertThat(cells.get(0).getType()).isEqualTo(DataObject.Type.OCTET_STRING);
            assertThat(cells.get(1).isNumber()).as("energy cell %s", cells.get(1)).isTrue();
            rows.add(new Row(JdlmsClientReadsSimulatorTest.instant(cells.get(0).getValue()),
                    ((Number) cells.get(1).getValue()).longValue()));
        }
        return rows;
    }

    // ---------------------------------------------------------------- block transfer on the wire

    /**
     * The simulator's answers included at least {@code atLeast} GET-response-with-datablock APDUs, numbered 1, 2, …
     * with last-block set on the last only, each no longer than the negotiated PDU (the vendor profile's
     * maxPduSize, jDLMS proposing 65535). Ciphered answers (glo-get-response) are first deciphered with the JCE.
     */
    static void assertInGetDatablocks(Combination c, List<RawMessageData> raw, int atLeast) throws Exception {
        List<byte[]> datablocks = new ArrayList<>();
        for (RawMessageData m : raw) {
            if (m.getMessageSource() != MessageSource.SERVER || m.getApdu() == null
                    || m.getApdu().getCosemPdu() == null) {
                continue;
            }
            byte[] apdu = plainApdu(c, m);
            if ((apdu[0] & 0xFF) == GET_RESPONSE && apdu[1] == WITH_DATABLOCK) {
                datablocks.add(apdu);
            }
        }
        assertThat(datablocks).hasSizeGreaterThanOrEqualTo(Math.max(2, atLeast));
        // one transfer after another: block numbers restart at 1 after each last block
        long expectedNumber = 1;
        for (byte[] block : datablocks) {
            // C4 02 invoke-id | last-block | block-number (4) | raw-data choice 00 ...
            boolean last = block[3] != 0;
            long number = ByteBuffer.wrap(block, 4, 4).getInt() & 0xFFFFFFFFL;
            assertThat(number).isEqualTo(expectedNumber);
            assertThat(block[8]).as("raw-data, not a data-access-result").isZero();
            expectedNumber = last ? 1 : expectedNumber + 1;
        }
        assertThat(expectedNumber).as("the last block said last-block").isEqualTo(1);
        if (c.profile().framing() == VendorProfile.Framing.HDLC) {
            // HDLC segmentation (frame format A8: type 3, segmentation bit set) only below 256-byte fields
            List<RawMessageData> segments = raw.stream().filter(m -> m.getMessageSource() == MessageSource.SERVER
                    && HEX.formatHex(m.getMessage()).startsWith("7EA8")).toList();
            if (c.hdlcInformationLength == 128) {
                assertThat(segments).hasSizeGreaterThanOrEqualTo(2 * Math.max(2, atLeast));
            } else {
                assertThat(segments).isEmpty(); // the meter accepted jDLMS's 2030 bytes: one I-frame per block
            }
        }
    }

    /**
     * The xDLMS APDU of a server message, no longer than the negotiated PDU. Over the wrapper it is taken from the
     * frame on the wire and, when ciphered (glo-get-response), deciphered here with the JCE and the meter's keys; over
     * HDLC it is what jDLMS reassembled from the segments.
     */
    static byte[] plainApdu(Combination c, RawMessageData m) throws Exception {
        byte[] plain = m.getApdu().getCosemPdu().getPlainCosemPdu();
        int pduLimit = c.profile().maxPduSize();
        if (c.profile().framing() == VendorProfile.Framing.HDLC) {
            assertThat(plain.length).as("APDU within the negotiated PDU").isLessThanOrEqualTo(pduLimit);
            return plain;
        }
        byte[] onTheWire = Acse.apduOfJdlmsMessage(m.getMessage());
        assertThat(onTheWire.length).as("APDU within the negotiated PDU").isLessThanOrEqualTo(pduLimit);
        if ((onTheWire[0] & 0xFF) != GLO_GET_RESPONSE) {
            if ((onTheWire[0] & 0xFF) == GET_RESPONSE) {
                assertThat(c.association).as("a GET answer in clear").isNotEqualTo(Association.HLS_GMAC);
            }
            return onTheWire;
        }
        assertThat(c.association).isEqualTo(Association.HLS_GMAC);
        Ciphered ciphered = Ciphered.parse(onTheWire);
        MeterKeys keys = simulator.fleet().keys(c.meterId);
        byte[] deciphered = GreenBookGcm.decrypt(keys.blockCipherKey(),
                GreenBookGcm.iv(keys.systemTitle(), ciphered.invocationCounter()), ciphered.securityControl(),
                keys.authenticationKey(), ciphered.body());
        assertThat(HEX.formatHex(deciphered)).isEqualTo(HEX.formatHex(plain));
        return deciphered;
    }
}
