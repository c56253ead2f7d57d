package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDateTime;
import gurux.dlms.enums.DataType;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSImageTransfer;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.enums.ControlState;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.LoadProfile;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSnapshot;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The COSEM services beyond a register read, through {@link DlmsSession} against the simulator over loopback:
 * selective access by range and by entry, GET with block transfer over small HDLC frames, SET, ACTION (disconnect
 * control, image transfer) and the negotiated PDU size. Expected rows come from {@link MeterModel} and the load
 * profile's documented shape (one row per capture boundary over the last {@link LoadProfile#DEPTH}); expected
 * state changes from {@link FleetSimulator#meterState}.
 *
 * <p>Meters (16, cycling through the built-in profiles) are given one job each, so that tests do not see each
 * other's state: MTR000001 aurora (reads, refusals), MTR000003 corvus (reads), MTR000004 delta (reads), MTR000005
 * aurora (clock), MTR000007 corvus (image over LLS/HDLC), MTR000009 aurora (disconnector), MTR000013 aurora (image
 * over HLS).
 */
@Timeout(20)
class CosemServicesIT {

    /** Not on a capture boundary, so that "now" rounds down. */
    static final Instant NOW = Instant.parse("2026-03-01T12:34:56Z");
    static final String CLOCK = "0.0.1.0.0.255";
    static final String DISCONNECT_CONTROL = "0.0.96.3.10.255";
    static final String IMAGE_TRANSFER = "0.0.44.0.0.255";
    static final String FIRMWARE_VERSION = "1.0.0.2.0.255";

    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.fleet(16, VendorProfile.BUILT_IN, 1111, "127.11.0.1").at(NOW);
    /** HLS sessions must each start above the counter the meter last accepted. */
    static final AtomicLong invocationCounter = new AtomicLong(1_000);

    // ---- 1. selective access by range (selector 1) ----

    @ParameterizedTest
    @ValueSource(strings = {"MTR000001", "MTR000004"}) // aurora-ax1 (15 min, 1.0.99.1.0.255), delta-q9 (30 min, 1.0.99.2.0.255)
    void byRangeReturnsTheLastSixHoursAsTheModelHasThem(String meterId) throws Exception {
        MeterSpec meter = sim.meter(meterId);
        VendorProfile profile = VendorProfile.load(meter.profile());
        Instant from = NOW.minus(Duration.ofHours(6));
        List<Row> expected = expectedByTime(meter, profile, from, NOW);
        assertThat(expected).hasSize((int) (Duration.ofHours(6).getSeconds() / profile.loadProfileCaptureSeconds()));

        DlmsSession session = sim.open(publicClient(meter));
        try {
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
            List<Object[]> rows = await(session.readRowsByRange(pg, from, NOW));

            assertThat(pg.getCaptureObjects()).extracting(e -> e.getKey().getLogicalName())
                    .containsExactly(CLOCK, profile.energyObis());
            assertThat(rows).map(CosemServicesIT::row).containsExactlyElementsOf(expected);
        } finally {
            await(session.release());
        }
    }

    @Test
    void byRangeBoundariesAreInclusiveAndARangeWithoutCapturesIsEmpty() throws Exception {
        MeterSpec meter = sim.meter("MTR000001");
        VendorProfile profile = VendorProfile.load(meter.profile());
        Instant from = Instant.parse("2026-03-01T08:00:00Z"); // on a boundary
        Instant to = Instant.parse("2026-03-01T09:00:00Z");   // on a boundary
        DlmsSession session = sim.open(publicClient(meter));
        try {
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
            assertThat(await(session.readRowsByRange(pg, from, to))).map(CosemServicesIT::row)
                    .containsExactlyElementsOf(expectedByTime(meter, profile, from, to)).hasSize(5);
            // between two boundaries, and in the future: no rows, not an error
            assertThat(await(session.readRowsByRange(pg, from.plusSeconds(60), from.plusSeconds(120))))
                    .isEmpty();
            assertThat(await(session.readRowsByRange(pg, NOW.plusSeconds(3600), NOW.plusSeconds(7200))))
                    .isEmpty();
        } finally {
            await(session.release());
        }
    }

    // ---- 2. selective access by entry (selector 2) ----

    @ParameterizedTest
    @ValueSource(strings = {"MTR000001", "MTR000004"})
    void byEntryReturnsTheOldestRowsAWindowAndTheNewest(String meterId) throws Exception {
        MeterSpec meter = sim.meter(meterId);
        VendorProfile profile = VendorProfile.load(meter.profile());
        long period = profile.loadProfileCaptureSeconds();
        int capacity = (int) (LoadProfile.DEPTH.getSeconds() / period);
        Instant newest = Instant.ofEpochSecond(Math.floorDiv(NOW.getEpochSecond(), period) * period);
        Instant oldest = newest.minusSeconds((capacity - 1) * period); // entry 1

        DlmsSession session = sim.open(publicClient(meter));
        try {
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
            // first 4 entries
            assertThat(await(session.readRowsByEntry(pg, 1, 4))).map(CosemServicesIT::row)
                    .containsExactlyElementsOf(expectedByEntry(meter, profile, oldest, 1, 4));
            // a window in the middle: entries 100..109
            assertThat(await(session.readRowsByEntry(pg, 100, 10))).map(CosemServicesIT::row)
                    .containsExactlyElementsOf(expectedByEntry(meter, profile, oldest, 100, 10));
            // the last 3 entries; the last one is the newest boundary not after now
            List<Row> last = await(session.readRowsByEntry(pg, capacity - 2, 3)).stream()
                    .map(CosemServicesIT::row).toList();
            assertThat(last).containsExactlyElementsOf(expectedByEntry(meter, profile, oldest, capacity - 2, 3));
            assertThat(last.get(2).at()).isEqualTo(newest);
        } finally {
            await(session.release());
        }
    }

    // ---- 3. GET with block transfer over HDLC segments ----

    @Test
    void aFullDayFromTheSmallPduHdlcMeterArrivesInBlocks() throws Exception {
        MeterSpec meter = sim.meter("MTR000003"); // corvus-c3: HDLC, max PDU 256
        VendorProfile profile = VendorProfile.load(meter.profile());
        assertThat(profile.framing()).isEqualTo(VendorProfile.Framing.HDLC);
        Instant to = Instant.parse("2026-03-01T11:45:00Z");
        Instant from = to.minus(Duration.ofDays(1)).plusSeconds(900);
        List<Row> expected = expectedByTime(meter, profile, from, to);
        assertThat(expected).hasSize(96);

        // the registry's setting for this meter: 256 (the simulator itself would negotiate 1024, see below)
        DlmsSession session = sim.open(withMaxPdu(publicClient(meter), 256));
        try {
            assertThat(session.negotiatedMaxPduSize()).isEqualTo(256);
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
            List<Object[]> rows = await(session.readRowsByRange(pg, from, to));
            assertThat(rows).map(CosemServicesIT::row).containsExactlyElementsOf(expected);
            // ~2.4 kB of rows cannot come in one 256-byte APDU: Get-Response-With-Datablock (C4 02) carried them,
            // each block in several HDLC frames
            List<String> received = session.exchange().stream().filter(f -> f.startsWith("RX ")).toList();
            assertThat(received).anyMatch(f -> f.contains("E6E700C402"));
            assertThat(received).hasSizeGreaterThan(10);
        } finally {
            await(session.release());
        }
    }

    @Test
    void theWholeWeekWithoutSelectiveAccessComesInManyBlocks() throws Exception {
        MeterSpec meter = sim.meter("MTR000003"); // corvus-c3, HDLC
        VendorProfile profile = VendorProfile.load(meter.profile());
        long period = profile.loadProfileCaptureSeconds();
        Instant newest = Instant.ofEpochSecond(Math.floorDiv(NOW.getEpochSecond(), period) * period);
        List<Row> expected = expectedByTime(meter, profile, newest.minus(LoadProfile.DEPTH).plusSeconds(period), newest);
        assertThat(expected).hasSize(672);

        DlmsSession session = sim.open(withMaxPdu(publicClient(meter), 256)); // ~17 kB in 256-byte blocks
        try {
            GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
            await(session.read(pg, 3));
            await(session.read(pg, 2));
            assertThat(pg.getBuffer()).hasSize(672);
            assertThat(java.util.Arrays.stream(pg.getBuffer()).map(r -> row((Object[]) r)).toList())
                    .containsExactlyElementsOf(expected);
            // by entry, count 0: from entry 669 to the end
            assertThat(await(session.readRowsByEntry(pg, 669, 0))).map(CosemServicesIT::row)
                    .containsExactlyElementsOf(expected.subList(668, 672));
        } finally {
            await(session.release());
        }
    }

    @Test
    void aReleasedSessionRefusesEveryServiceAlike() throws Exception {
        MeterSpec meter = sim.meter("MTR000001");
        VendorProfile profile = VendorProfile.load(meter.profile());
        DlmsSession session = sim.open(publicClient(meter));
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(profile.loadProfileObis());
        await(session.read(pg, 3)); // capture objects known: the row reads go straight to the GET
        await(session.release());
        assertThat(session.state()).isEqualTo(DlmsSession.State.CLOSED);

        GXDLMSClock clock = new GXDLMSClock(CLOCK);
        clock.setTime(utc(NOW));
        List<Future<?>> calls = List.of(session.read(clock, 2), session.write(clock, 2),
                session.invoke(new GXDLMSDisconnectControl(DISCONNECT_CONTROL), 1, null, null),
                session.readRowsByRange(pg, NOW.minusSeconds(3600), NOW), session.readRowsByEntry(pg, 1, 2));
        for (Future<?> call : calls) {
            // a programming error on our side, not a meter that closed the connection (NETWORK)
            Future<Object> outcome = call.map(v -> (Object) v).otherwise(e -> e);
            assertThat(await(outcome)).isInstanceOf(IllegalStateException.class);
        }
    }

    // ---- 4. SET ----

    @Test
    void llsClientSetsTheClockAndReadsItBack() throws Exception {
        MeterSpec meter = sim.meter("MTR000005");
        Instant set = Instant.parse("2026-03-01T13:00:00Z");
        DlmsSession session = sim.open(lls(meter));
        try {
            GXDLMSClock clock = new GXDLMSClock(CLOCK);
            clock.setTime(utc(set));
            await(session.write(clock, 2));

            GXDLMSClock readBack = new GXDLMSClock(CLOCK);
            await(session.read(readBack, 2));
            assertThat(readBack.getTime().getMeterCalendar().toInstant()).isEqualTo(set);
        } finally {
            await(session.release());
        }
        assertThat(sim.simulator().meterState(meter.meterId()).clockOffset()).isEqualTo(Duration.between(NOW, set));
    }

    @Test
    void publicClientMayNotSetTheClock() throws Exception {
        MeterSpec meter = sim.meter("MTR000001");
        DlmsSession session = sim.open(publicClient(meter));
        try {
            GXDLMSClock clock = new GXDLMSClock(CLOCK);
            clock.setTime(utc(NOW.plusSeconds(3600)));
            DlmsException e = failure(session.write(clock, 2));
            assertThat(e.code()).isEqualTo(FailureCode.ACCESS_DENIED);
            assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
            assertThat(e.exchange()).anyMatch(f -> f.startsWith("RX "));
            // a refused SET leaves the association usable
            GXDLMSClock readBack = new GXDLMSClock(CLOCK);
            await(session.read(readBack, 2));
            assertThat(readBack.getTime().getMeterCalendar().toInstant()).isEqualTo(NOW);
        } finally {
            await(session.release());
        }
        assertThat(sim.simulator().meterState(meter.meterId()).clockOffset()).isZero();
    }

    // ---- 5. ACTION: disconnect control ----

    @Test
    void disconnectIsIdempotentOverLlsAndHls() throws Exception {
        MeterSpec meter = sim.meter("MTR000009"); // aurora-ax1, control_mode 1
        String id = meter.meterId();
        assertThat(sim.simulator().meterState(id).controlMode()).isEqualTo(1);
        for (SessionSettings settings : List.of(lls(meter), hls(meter))) {
            assertThat(sim.simulator().meterState(id).controlState()).isEqualTo(1);
            long relaysBefore = sim.simulator().meterState(id).relayOperations();
            DlmsSession session = sim.open(settings);
            try {
                GXDLMSDisconnectControl dc = new GXDLMSDisconnectControl(DISCONNECT_CONTROL);
                await(session.invoke(dc, 1, null, null)); // remote_disconnect
                MeterSnapshot once = sim.simulator().meterState(id);
                assertThat(once.controlState()).isEqualTo(0);
                assertThat(once.outputState()).isFalse();
                assertThat(once.relayOperations()).isEqualTo(relaysBefore + 1);

                await(session.invoke(dc, 1, null, null)); // again: nothing switches
                MeterSnapshot twice = sim.simulator().meterState(id);
                assertThat(twice.controlState()).isEqualTo(0);
                assertThat(twice.relayOperations()).isEqualTo(once.relayOperations());
                await(session.read(dc, 3));
                assertThat(dc.getControlState()).isEqualTo(ControlState.DISCONNECTED);

                await(session.invoke(dc, 2, null, null)); // remote_reconnect: mode 1 arms (d)
                MeterSnapshot armed = sim.simulator().meterState(id);
                assertThat(armed.controlState()).isEqualTo(2);
                assertThat(armed.outputState()).isFalse();
                assertThat(armed.relayOperations()).isEqualTo(once.relayOperations());
                await(session.read(dc, 3));
                assertThat(dc.getControlState()).isEqualTo(ControlState.READY_FOR_RECONNECTION);
            } finally {
                await(session.release());
            }
            assertThat(sim.simulator().manualReconnect(id)).isTrue(); // the customer presses the button (e)
            assertThat(sim.simulator().meterState(id).relayOperations()).isEqualTo(relaysBefore + 2);
        }
    }

    @Test
    void publicClientMayNotOperateTheDisconnector() throws Exception {
        MeterSpec meter = sim.meter("MTR000001");
        MeterSnapshot before = sim.simulator().meterState(meter.meterId());
        DlmsSession session = sim.open(publicClient(meter));
        try {
            DlmsException e = failure(session.invoke(new GXDLMSDisconnectControl(DISCONNECT_CONTROL),
                    1, null, null));
            assertThat(e.code()).isEqualTo(FailureCode.ACCESS_DENIED);
            assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        } finally {
            await(session.release());
        }
        MeterSnapshot after = sim.simulator().meterState(meter.meterId());
        assertThat(after.controlState()).isEqualTo(before.controlState()).isEqualTo(1);
        assertThat(after.relayOperations()).isEqualTo(before.relayOperations());
    }

    // ---- 6. ACTION: image transfer ----

    @Test
    void imageTransferOverHlsThenTheSameImageIsRefused() throws Exception {
        MeterSpec meter = sim.meter("MTR000013"); // aurora-ax1: 512-byte blocks, HLS-GMAC suite 0
        upgradeThenRepeat(meter, () -> hls(meter), "AUR-AX1-2.5.0", 3_000, 512);
    }

    @Test
    void imageTransferOverLlsAndSegmentedHdlcThenTheSameImageIsRefused() throws Exception {
        MeterSpec meter = sim.meter("MTR000007"); // corvus-c3: 128-byte blocks, HDLC
        upgradeThenRepeat(meter, () -> lls(meter), "CRV-C3-3.1.0", 1_000, 128);
    }

    @Test
    void publicClientMayNotStartAnImageTransfer() throws Exception {
        MeterSpec meter = sim.meter("MTR000001");
        long writes = sim.simulator().meterState(meter.meterId()).flashWrites();
        DlmsSession session = sim.open(publicClient(meter));
        try {
            GXDLMSImageTransfer it = new GXDLMSImageTransfer(IMAGE_TRANSFER);
            DlmsException e = failure(session.invoke(it, 1, initiate("AUR-AX1-9.9.9", 100),
                    DataType.ARRAY));
            assertThat(e.code()).isEqualTo(FailureCode.ACCESS_DENIED);
            assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        } finally {
            await(session.release());
        }
        assertThat(sim.simulator().meterState(meter.meterId()).flashWrites()).isEqualTo(writes);
    }

    private void upgradeThenRepeat(MeterSpec meter, java.util.function.Supplier<SessionSettings> settings,
                                   String identifier, int size, int blockSize) throws Exception {
        String id = meter.meterId();
        String factory = VendorProfile.load(meter.profile()).firmwareVersion();
        assertThat(sim.simulator().meterState(id).firmwareVersion()).isEqualTo(factory);
        byte[] image = image(size);
        int blocks = (size + blockSize - 1) / blockSize;

        DlmsSession session = sim.open(settings.get());
        try {
            GXDLMSImageTransfer it = new GXDLMSImageTransfer(IMAGE_TRANSFER);
            await(session.read(it, 2));
            assertThat(it.getImageBlockSize()).isEqualTo(blockSize);
            await(session.invoke(it, 1, initiate(identifier, size), DataType.ARRAY));
            List<byte[]> parts = it.getImageBlocks(image);
            assertThat(parts).hasSize(blocks);
            for (byte[] block : parts) {
                await(session.invoke(it, 2, block, DataType.ARRAY));
            }
            await(session.invoke(it, 3, null, null)); // verify
            await(session.invoke(it, 4, null, null)); // activate
        } finally {
            await(session.release());
        }
        MeterSnapshot upgraded = sim.simulator().meterState(id);
        assertThat(upgraded.firmwareVersion()).isEqualTo(identifier);
        assertThat(upgraded.flashWrites()).isEqualTo(blocks);
        assertThat(upgraded.imagesActivated()).isEqualTo(1);
        assertThat(upgraded.imageTransferStatus()).isEqualTo(6); // image activation successful

        // the same campaign again: the bootloader refuses to start it and to activate, and writes nothing
        session = sim.open(settings.get());
        try {
            GXDLMSData version = new GXDLMSData(FIRMWARE_VERSION);
            Object installed = await(session.read(version, 2));
            assertThat(new String((byte[]) installed, StandardCharsets.US_ASCII)).isEqualTo(identifier);

            GXDLMSImageTransfer it = new GXDLMSImageTransfer(IMAGE_TRANSFER);
            await(session.read(it, 2));
            DlmsException refused = failure(session.invoke(it, 1, initiate(identifier, size),
                    DataType.ARRAY));
            // action-result other-reason (250): the meter understood and refused on its own terms
            assertThat(refused.code()).isEqualTo(FailureCode.REFUSED_BY_METER);
            assertThat(refused.failureClass()).isEqualTo(FailureClass.VENDOR);
            assertThat(refused.detail()).contains("OTHER_REASON");
            assertThat(failure(session.invoke(it, 2, it.getImageBlocks(image).get(0), DataType.ARRAY))
                    .code()).isEqualTo(FailureCode.REFUSED_BY_METER);
            assertThat(failure(session.invoke(it, 4, null, null)).code())
                    .isEqualTo(FailureCode.REFUSED_BY_METER);
        } finally {
            await(session.release());
        }
        assertThat(sim.simulator().meterState(id)).usingRecursiveComparison().ignoringFields("sessions", "mostConcurrent", "associationsByClient")
                .isEqualTo(upgraded);
    }

    /** image_transfer_initiate's parameter: structure {image_identifier, image_size}. */
    private static byte[] initiate(String identifier, long size) {
        GXByteBuffer data = new GXByteBuffer();
        data.setUInt8(DataType.STRUCTURE.getValue());
        data.setUInt8(2);
        GXCommon.setData(null, data, DataType.OCTET_STRING, identifier.getBytes(StandardCharsets.US_ASCII));
        GXCommon.setData(null, data, DataType.UINT32, size);
        return data.array();
    }

    private static byte[] image(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    // ---- 7. negotiated max PDU ----

    /**
     * Gurux's {@code getMaxReceivePDUSize()} on a client is, after the AARE, the server's negotiated
     * max-receive-pdu-size from the InitiateResponse: the largest APDU the meter accepts from us (Gurux also splits
     * our requests by it). A Gurux server answers min(what the client proposed, its own limit), so proposing more
     * than any meter accepts gives exactly the meter's limit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"MTR000001", "MTR000002", "MTR000003", "MTR000004"})
    void negotiatedMaxPduIsWhatTheMeterAnsweredInTheAare(String meterId) throws Exception {
        MeterSpec meter = sim.meter(meterId);
        DlmsSession session = sim.open(withMaxPdu(publicClient(meter), 0xFFFF));
        try {
            int answered = aareMaxPdu(session.exchange());
            assertThat(session.negotiatedMaxPduSize()).isEqualTo(answered);
        } finally {
            await(session.release());
        }
    }

    /** Proposing more than the meter accepts: the negotiated size is the vendor profile's {@code maxPduSize}. */
    @ParameterizedTest
    @ValueSource(strings = {"MTR000001", "MTR000002", "MTR000003", "MTR000004"})
    void negotiatedMaxPduIsTheProfilesWhenWeProposeMore(String meterId) throws Exception {
        MeterSpec meter = sim.meter(meterId);
        VendorProfile profile = VendorProfile.load(meter.profile());
        DlmsSession session = sim.open(withMaxPdu(publicClient(meter), 0xFFFF));
        try {
            assertThat(session.negotiatedMaxPduSize()).isEqualTo(profile.maxPduSize());
        } finally {
            await(session.release());
        }
    }

    @Test
    void negotiatedMaxPduIsOursWhenWeProposeLess() throws Exception {
        MeterSpec meter = sim.meter("MTR000001"); // meter accepts 1024
        DlmsSession session = sim.open(withMaxPdu(publicClient(meter), 256));
        try {
            assertThat(session.negotiatedMaxPduSize()).isEqualTo(256);
            // and the meter keeps to it: 24 rows (~600 bytes) come in blocks
            VendorProfile profile = VendorProfile.load(meter.profile());
            Instant from = NOW.minus(Duration.ofHours(6));
            assertThat(await(session.readRowsByRange(new GXDLMSProfileGeneric(profile.loadProfileObis()),
                    from, NOW))).map(CosemServicesIT::row)
                    .containsExactlyElementsOf(expectedByTime(meter, profile, from, NOW));
            // in blocks: GET datablocks (C4 02), or General Block Transfer (E0) when the meter offers it
            assertThat(session.exchange()).anyMatch(f -> f.startsWith("RX ")
                    && (f.contains("C402") || f.substring(3 + 16).startsWith("E0")));
        } finally {
            await(session.release());
        }
    }

    // ---- helpers ----

    private static TransportKind kindOf(MeterSpec meter) {
        return VendorProfile.load(meter.profile()).framing() == VendorProfile.Framing.HDLC
                ? TransportKind.TCP_HDLC : TransportKind.TCP_WRAPPER;
    }

    private static SessionSettings publicClient(MeterSpec meter) {
        return SessionSettings.publicClient(meter.host(), meter.port(), kindOf(meter));
    }

    /** The LLS management client (32) with the meter's password. */
    private static SessionSettings lls(MeterSpec meter) {
        return new SessionSettings(meter.host(), meter.port(), kindOf(meter), 32, 1, AuthenticationLevel.LOW,
                meter.llsPassword(), Duration.ofSeconds(2), SessionSettings.DEFAULT_MAX_PDU, null);
    }

    /** The HLS management client (1) as the vendor profile defines it, with the fleet's keys for this meter. */
    private static SessionSettings hls(MeterSpec meter) {
        return sim.managementSettings(meter, kindOf(meter), invocationCounter.addAndGet(1_000));
    }

    private static SessionSettings withMaxPdu(SessionSettings s, int maxPdu) {
        return new SessionSettings(s.host(), s.port(), s.transport(), s.clientAddress(), s.logicalDevice(),
                s.authentication(), s.password(), s.responseTimeout(), maxPdu, s.security());
    }

    private static final Pattern INITIATE_RESPONSE = Pattern.compile("0800065F1F0400([0-9A-F]{6})([0-9A-F]{4})0007");

    /** negotiated-max-pdu-size of the plain InitiateResponse (08, no QoS, version 6, conformance, size, VAA 7). */
    private static int aareMaxPdu(List<String> exchange) {
        for (String frame : exchange) {
            Matcher m = INITIATE_RESPONSE.matcher(frame);
            if (frame.startsWith("RX ") && m.find()) {
                return Integer.parseInt(m.group(2), 16);
            }
        }
        throw new AssertionError("no InitiateResponse in " + exchange);
    }

    private static GXDateTime utc(Instant at) {
        Calendar c = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        c.setTimeInMillis(at.toEpochMilli());
        return new GXDateTime(c);
    }

    record Row(Instant at, long energyRaw) {
    }

    /** The capture boundaries within [from, to], each with the energy {@link MeterModel} gives there. */
    static List<Row> expectedByTime(MeterSpec meter, VendorProfile profile, Instant from, Instant to) {
        long period = profile.loadProfileCaptureSeconds();
        List<Row> rows = new ArrayList<>();
        for (long t = Math.floorDiv(from.getEpochSecond() + period - 1, period) * period; t <= to.getEpochSecond();
             t += period) {
            Instant at = Instant.ofEpochSecond(t);
            rows.add(new Row(at, MeterModel.energyRaw(meter, profile, at).longValueExact()));
        }
        return rows;
    }

    /** Entries {@code first..first+count-1}, entry 1 captured at {@code oldest}. */
    static List<Row> expectedByEntry(MeterSpec meter, VendorProfile profile, Instant oldest, int first, int count) {
        long period = profile.loadProfileCaptureSeconds();
        Instant from = oldest.plusSeconds((first - 1) * period);
        return expectedByTime(meter, profile, from, from.plusSeconds((count - 1) * period));
    }

    static Row row(Object[] cells) {
        return new Row(instant(cells[0]), ((Number) cells[1]).longValue());
    }

    static Instant instant(Object cosemDateTime) {
        if (cosemDateTime instanceof GXDateTime dt) {
            return dt.getMeterCalendar().toInstant();
        }
        throw new AssertionError("capture time is " + (cosemDateTime == null ? "null" : cosemDateTime.getClass()));
    }
}
