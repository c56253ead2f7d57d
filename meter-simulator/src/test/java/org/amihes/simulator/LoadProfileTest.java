package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.GXDateTime;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Load profile rows read by range and by entry equal what {@link MeterModel} gives at each capture boundary. */
@Timeout(20)
class LoadProfileTest {

    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.21.0.1", SimulatorOptions.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aurora-ax1", "borealis-b7", "corvus-c3", "delta-q9"})
    void byRangeReturnsExactlyTheBoundariesInTheRange(String profileName) throws Exception {
        MeterSpec meter = fixture.meter(profileName);
        VendorProfile profile = VendorProfile.load(profileName);
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
        Instant from = Instant.parse("2026-03-01T07:10:00Z");
        Instant to = Instant.parse("2026-03-01T09:30:00Z");
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            c.read(pg, 3);
            c.read(pg, 4);
            List<Object[]> rows = c.readByRange(pg, from, to);

            assertThat(pg.getCapturePeriod()).isEqualTo(profile.loadProfileCaptureSeconds());
            assertThat(pg.getCaptureObjects()).extracting(e -> e.getKey().getLogicalName())
                    .containsExactly("0.0.1.0.0.255", profile.energyObis());
            assertThat(rows).map(LoadProfileTest::row)
                    .containsExactlyElementsOf(expected(meter, profile, from, to));
        }
    }

    @Test
    void quirkyProfileCapturesEveryHalfHourUnderItsOwnName() {
        VendorProfile delta = VendorProfile.load("delta-q9");
        assertThat(delta.loadProfileObis()).isEqualTo("1.0.99.2.0.255");
        assertThat(delta.loadProfileCaptureSeconds()).isEqualTo(1800);
    }

    @Test
    void byEntryCountsFromTheOldestRowOfTheLastSevenDays() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        VendorProfile profile = VendorProfile.load("aurora-ax1");
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
        long period = profile.loadProfileCaptureSeconds();
        Instant newest = Instant.ofEpochSecond(Fixture.NOW.getEpochSecond() / period * period);
        Instant oldest = newest.minus(LoadProfile.DEPTH).plusSeconds(period);
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            c.read(pg, 3);
            c.read(pg, 7);
            c.read(pg, 8);
            assertThat(pg.getEntriesInUse()).isEqualTo(672);
            assertThat(pg.getProfileEntries()).isEqualTo(672);

            List<Object[]> first = c.readByEntry(pg, 1, 3);
            assertThat(first).map(LoadProfileTest::row)
                    .containsExactlyElementsOf(expected(meter, profile, oldest, oldest.plusSeconds(2 * period)));

            List<Object[]> last = c.readByEntry(pg, 671, 5); // asks beyond the end: gets the two there are
            assertThat(last).map(LoadProfileTest::row)
                    .containsExactlyElementsOf(expected(meter, profile, newest.minusSeconds(period), newest));
        }
    }

    @Test
    void byEntryCanSelectTheEnergyColumnAlone() throws Exception {
        MeterSpec meter = fixture.meter("borealis-b7");
        VendorProfile profile = VendorProfile.load("borealis-b7");
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            c.read(pg, 3);
            gurux.dlms.GXReplyData reply = c.exchangeAll(c.client.readRowsByEntry(pg, 672, 1, 2, 2));
            List<?> rows = (List<?>) reply.getValue();
            Instant newest = Instant.ofEpochSecond(Fixture.NOW.getEpochSecond() / 900 * 900);
            assertThat(rows).singleElement().isEqualTo(
                    List.of(MeterModel.energyRaw(meter, profile, newest).longValueExact()));
        }
    }

    @Test
    void wholeBufferWithoutSelectiveAccessOverSmallHdlcFrames() throws Exception {
        MeterSpec meter = fixture.meter("corvus-c3"); // HDLC, 256-byte PDU: the buffer goes in many blocks
        VendorProfile profile = VendorProfile.load("corvus-c3");
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            c.read(pg, 3);
            c.read(pg, 2);
            Object[] rows = pg.getBuffer();
            assertThat(rows).hasSize(672);
            Instant newest = Instant.ofEpochSecond(Fixture.NOW.getEpochSecond() / 900 * 900);
            Object[] last = (Object[]) rows[671];
            assertThat(instant(last[0])).isEqualTo(newest);
            assertThat(((Number) last[1]).longValue())
                    .isEqualTo(MeterModel.energyRaw(meter, profile, newest).longValueExact());
            c.release();
        }
    }

    @Test
    void rangeOutsideTheKeptWeekOrInTheFutureIsEmpty() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric("1.0.99.1.0.255");
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            c.read(pg, 3);
            assertThat(c.readByRange(pg, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z")))
                    .isEmpty();
            assertThat(c.readByRange(pg, Fixture.NOW.plusSeconds(900), Fixture.NOW.plusSeconds(9000))).isEmpty();
        }
    }

    /** Boundaries of the capture period within from..to, with the energy MeterModel gives there. */
    static List<Row> expected(MeterSpec meter, VendorProfile profile, Instant from, Instant to) {
        long period = profile.loadProfileCaptureSeconds();
        List<Row> rows = new ArrayList<>();
        for (long t = (from.getEpochSecond() + period - 1) / period * period; t <= to.getEpochSecond(); t += period) {
            Instant at = Instant.ofEpochSecond(t);
            rows.add(new Row(at, MeterModel.energyRaw(meter, profile, at).longValueExact()));
        }
        assertThat(rows).isNotEmpty();
        return rows;
    }

    record Row(Instant at, long energyRaw) {
    }

    static Row row(Object[] cells) {
        return new Row(instant(cells[0]), ((Number) cells[1]).longValue());
    }

    static Instant instant(Object cosemDateTime) {
        return ((GXDateTime) cosemDateTime).getMeterCalendar().toInstant();
    }
}
