package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSException;
import gurux.dlms.GXDateTime;
import gurux.dlms.GXReplyData;
import gurux.dlms.GXSimpleEntry;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.internal.GXDataInfo;
import gurux.dlms.objects.GXDLMSActivityCalendar;
import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSExtendedRegister;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSObjectCollection;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.GXDLMSSecuritySetup;
import gurux.dlms.objects.enums.SecuritySuite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map.Entry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every object of the meter reads back as a well-formed answer; values come from the model and the meter state. */
@Timeout(20)
class CosemObjectsTest {

    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.26.0.1", SimulatorOptions.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aurora-ax1", "corvus-c3"})
    void everyAttributeOfEveryListedObjectIsWellFormed(String profile) throws Exception {
        MeterSpec meter = fixture.meter(profile);
        List<String> refused = new ArrayList<>();
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            GXDLMSObjectCollection objects = c.client.parseObjects(
                    c.exchangeAll(c.client.getObjectsRequest()).getData(), true);
            assertThat(objects).extracting(GXDLMSObject::getLogicalName).contains(CosemObjects.FIRMWARE_VERSION,
                    CosemObjects.MAX_DEMAND, "1.0.99.1.0.255", CosemObjects.EVENT_LOG, CosemObjects.IMAGE_TRANSFER,
                    CosemObjects.DISCONNECT_CONTROL, CosemObjects.ACTIVITY_CALENDAR, CosemObjects.SECURITY_SETUP,
                    CosemObjects.INVOCATION_COUNTER);
            for (GXDLMSObject o : objects) {
                // Gurux's order: a profile's capture objects before its buffer
                for (int attribute : ((gurux.dlms.objects.IGXDLMSBase) o).getAttributeIndexToRead(true)) {
                    try {
                        c.read(o, attribute);
                    } catch (GXDLMSException dataAccessError) { // a proper answer, only a refusal
                        refused.add(o.getLogicalName() + "/" + attribute);
                    }
                }
            }
        }
        // Gurux lists each association as the current one; only its secret is refused
        assertThat(refused).containsOnly("0.0.40.0.0.255/7");
    }

    @Test
    void nobodyReadsTheLlsPassword() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        for (TestClient c : List.of(TestClient.publicClient(meter).associate(), TestClient.lls(meter).associate())) {
            try (c) {
                GXDLMSAssociationLogicalName lls = new GXDLMSAssociationLogicalName("0.0.40.0.2.255");
                assertThatThrownBy(() -> c.read(lls, 7)).isInstanceOf(GXDLMSException.class);
            }
        }
    }

    @Test
    void maxDemandFirmwareCalendarAndSecuritySetupHoldTheirValues() throws Exception {
        MeterSpec meter = fixture.meter("borealis-b7");
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            GXDLMSExtendedRegister demand = new GXDLMSExtendedRegister(CosemObjects.MAX_DEMAND);
            c.read(demand, 2);
            c.read(demand, 3);
            c.read(demand, 5);
            assertThat(((Number) demand.getValue()).longValue()).isEqualTo(MeterModel.maxDemandW(meter));
            assertThat(demand.getCaptureTime().getMeterCalendar().toInstant())
                    .isEqualTo(MeterModel.maxDemandTime(meter, Fixture.NOW))
                    .isBetween(Instant.parse("2026-03-01T00:00:00Z"), Fixture.NOW);

            GXDLMSData firmware = new GXDLMSData(CosemObjects.FIRMWARE_VERSION);
            c.read(firmware, 2);
            assertThat(new String((byte[]) firmware.getValue())).isEqualTo("BOR-B7-1.9.0");

            GXDLMSActivityCalendar calendar = new GXDLMSActivityCalendar(CosemObjects.ACTIVITY_CALENDAR);
            c.read(calendar, 2);
            c.read(calendar, 5);
            assertThat(calendar.getCalendarNameActive()).isEqualTo("STANDARD");
            assertThat(calendar.getDayProfileTableActive()[0].getDaySchedules()).hasSize(3);

            GXDLMSSecuritySetup security = new GXDLMSSecuritySetup(CosemObjects.SECURITY_SETUP);
            c.read(security, 3);
            c.read(security, 5);
            assertThat(security.getSecuritySuite())
                    .isEqualTo(SecuritySuite.forValue(VendorProfile.load(meter.profile()).securitySuite()));
            assertThat(new String(security.getServerSystemTitle(), 0, 3)).isEqualTo("BOR");

            GXDLMSData counter = new GXDLMSData(CosemObjects.INVOCATION_COUNTER);
            c.read(counter, 2);
            assertThat(((Number) counter.getValue()).longValue()).isZero();
        }
    }

    @Test
    void eventLogHoldsAlternatingPowerEventsOfTheLastThirtyDays() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        List<MeterEvent> expected = EventLog.events(meter, Fixture.NOW.minus(EventLog.DEPTH), Fixture.NOW);
        assertThat(expected).hasSizeGreaterThan(4);
        for (int i = 0; i < expected.size(); i++) { // outages never overlap: down, up, down, up...
            assertThat(expected.get(i).code()).isEqualTo(i % 2 == 0 ? MeterEvent.POWER_DOWN : MeterEvent.POWER_UP);
        }
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            GXDLMSProfileGeneric log = new GXDLMSProfileGeneric(CosemObjects.EVENT_LOG);
            c.read(log, 3);
            c.read(log, 7);
            assertThat(log.getEntriesInUse()).isEqualTo(expected.size());
            assertThat(c.readByEntry(log, 1, 2)).map(CosemObjectsTest::event)
                    .containsExactlyElementsOf(expected.subList(0, 2));

            Instant from = expected.get(2).at();
            Instant to = expected.get(5).at();
            assertThat(c.readByRange(log, from, to)).map(CosemObjectsTest::event)
                    .containsExactlyElementsOf(expected.subList(2, 6));
        }
    }

    @Test
    void llsClientSetsTheClockAndThePublicClientCannot() throws Exception {
        MeterSpec meter = fixture.meter("corvus-c3");
        GXDLMSClock clock = new GXDLMSClock(CosemObjects.CLOCK);
        clock.setTime(new GXDateTime(java.util.Date.from(Fixture.NOW.plusSeconds(90))));
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            assertThatThrownBy(() -> c.write(clock, 2)).isInstanceOf(GXDLMSException.class);
        }
        try (TestClient c = TestClient.lls(meter).associate()) {
            c.write(clock, 2);
        }
        assertThat(fixture.simulator.meterState(meter.meterId()).clockOffset()).isEqualTo(Duration.ofSeconds(90));
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            GXDLMSClock read = new GXDLMSClock(CosemObjects.CLOCK);
            c.read(read, 2);
            assertThat(read.getTime().getMeterCalendar().toInstant()).isEqualTo(Fixture.NOW.plusSeconds(90));
        }
    }

    @Test
    void wrongLlsPasswordIsRefused() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        try (TestClient c = TestClient.tcp(meter, SimulatedMeter.LLS_CLIENT, gurux.dlms.enums.Authentication.LOW,
                "wrong")) {
            assertThatThrownBy(c::associate).isInstanceOf(GXDLMSException.class);
        }
    }

    @Test
    void profilesStartNoCaptureThread() throws Exception {
        try (TestClient c = TestClient.publicClient(fixture.meter("aurora-ax1")).associate()) {
            c.read(new GXDLMSProfileGeneric("1.0.99.1.0.255"), 4);
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getClass().getName().equals("gurux.dlms.objects.GXProfileGenericUpdater"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"aurora-ax1", "corvus-c3"})
    void getWithListAnswersErrorsAsDataAccessResults(String profile) throws Exception {
        MeterSpec meter = fixture.meter(profile);
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric("1.0.99.1.0.255");
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            c.read(pg, 3);
            List<Entry<GXDLMSObject, Integer>> list = List.of(entry(new GXDLMSClock(CosemObjects.CLOCK), 2),
                    entry(new GXDLMSRegister(VendorProfile.load(profile).energyObis()), 3),
                    entry(new GXDLMSData("1.2.3.4.5.6"), 2), // no such object
                    entry(new GXDLMSAssociationLogicalName("0.0.40.0.2.255"), 7), // the secret
                    entry(pg, 7));
            String apdu = GXCommon.toHex(c.raw(c.client.readList(list)[0]));
            assertThat(apdu).contains("C4 03 C1 05 00 09 0C") // with-list, 5 results, the clock first
                    .contains(" 00 02 02 0F ") // scaler_unit
                    .contains(" 01 04 01 03 00 06 00 00 02 A0"); // object-undefined, read-write-denied, 672
        }
        // with the buffer too (672 rows: larger than any PDU) the list comes in blocks, the errors still in place
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            c.read(pg, 3);
            List<Entry<GXDLMSObject, Integer>> list = List.of(entry(new GXDLMSClock(CosemObjects.CLOCK), 2),
                    entry(pg, 2), entry(new GXDLMSData("1.2.3.4.5.6"), 2),
                    entry(new GXDLMSAssociationLogicalName("0.0.40.0.2.255"), 7), entry(pg, 7));
            // Gurux's client reports a list with errors in it as an error, after reading all of it
            assertThatThrownBy(() -> c.exchangeAll(c.client.readList(list))).isInstanceOf(GXDLMSException.class);
            GXByteBuffer raw = WithListBlocksTest.rawData(
                    WithListBlocksTest.dataBlocks(c.frames, VendorProfile.load(profile).framing()));
            assertThat(GXCommon.getObjectCount(raw)).isEqualTo(5);
            assertThat(raw.getUInt8()).isZero();
            GXCommon.getData(null, raw, new GXDataInfo()); // the clock
            assertThat(raw.getUInt8()).isZero();
            assertThat((List<?>) GXCommon.getData(null, raw, new GXDataInfo())).hasSize(672);
            assertThat(GXCommon.toHex(raw.remaining())).isEqualTo("01 04 01 03 00 06 00 00 02 A0");
        }
    }

    @Test
    void getWithListKeepsToTheNegotiatedPdu() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        try (TestClient c = TestClient.publicClient(meter)) {
            c.client.setMaxReceivePDUSize(128); // the client's limit: the meter must answer within it
            c.associate();
            List<Entry<GXDLMSObject, Integer>> clocks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                clocks.add(entry(new GXDLMSClock(CosemObjects.CLOCK), 2)); // 10 × 15 bytes: more than 128
            }
            List<?> values = (List<?>) c.exchangeAll(c.client.readList(clocks)).getValue();
            assertThat(values).hasSize(10);
            List<String> answers = c.frames.stream().filter(f -> f.startsWith("RX ")).toList();
            assertThat(answers.subList(answers.size() - 2, answers.size())) // two blocks: C4 02
                    .allSatisfy(f -> assertThat(f.substring(3 + 16)).startsWith("C402"));
            assertThat(answers).allSatisfy(f -> assertThat((f.length() - 3) / 2 - 8).isLessThanOrEqualTo(128));
        }
    }

    /** Without block-transfer-with-get in the conformance, what no longer fits one PDU is other-reason. */
    @Test
    void getWithListWithoutBlockTransferAnswersWhatFitsOnePdu() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        try (TestClient c = TestClient.publicClient(meter)) {
            c.client.setMaxReceivePDUSize(128);
            c.client.getProposedConformance().remove(gurux.dlms.enums.Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ);
            c.associate();
            assertThat(c.client.getNegotiatedConformance())
                    .doesNotContain(gurux.dlms.enums.Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ);
            List<Entry<GXDLMSObject, Integer>> clocks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                clocks.add(entry(new GXDLMSClock(CosemObjects.CLOCK), 2));
            }
            byte[] frame = c.raw(c.client.readList(clocks)[0]);
            assertThat(frame.length - 8).isLessThanOrEqualTo(128);
            GXReplyData reply = new GXReplyData();
            c.client.getData(frame, reply);
            // (128 - 9 kept for a system title - 4) / 15 fit; the last three: other-reason
            assertThat((List<?>) reply.getValue()).hasSize(7);
            assertThat(GXCommon.toHex(frame)).endsWith("01 FA 01 FA 01 FA");
        }
    }

    private static Entry<GXDLMSObject, Integer> entry(GXDLMSObject object, int attribute) {
        return new GXSimpleEntry<>(object, attribute);
    }

    static MeterEvent event(Object[] row) {
        return new MeterEvent(LoadProfileTest.instant(row[0]), ((Number) row[1]).intValue());
    }
}
