package org.amihes.interop;

import static org.amihes.interop.Acse.HEX;
import static org.amihes.interop.Loopback.HOST;
import static org.amihes.interop.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.GXDateTime;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.interop.DlmsCoreReadsJdlmsHlsGmacServerTest.Hls;
import org.amihes.interop.GreenBookGcm.Ciphered;
import org.amihes.interop.JdlmsProfileGeneric.CaptureObject;
import org.amihes.interop.JdlmsServerPeer.Framing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.datatypes.CosemDateTime;
import org.openmuc.jdlms.datatypes.DataObject;

/**
 * Direction A for profile buffers: our client ({@code dlms-core} {@link DlmsSession}) reads a load profile (class 7)
 * from a jDLMS server, by range (selector 1), by entry (selector 2) and whole, in a whole session: associate (public
 * client, and HLS-GMAC suite 0 authenticated and encrypted), read the capture objects, read rows, release. The
 * buffer is defined here ({@link #row}); selective access is implemented in {@link JdlmsProfileGeneric} as the
 * standard describes it, since jDLMS leaves class behaviour to its user. Answers longer than the PDU our client
 * proposes come as GET-response-with-datablock: every byte jDLMS sends is recorded by a {@link WireTap} between the
 * two (our client's own exchange log keeps only its last frames), and ciphered blocks are deciphered with the JCE.
 * Only the wrapper: jDLMS's HDLC server fails before any AARQ (incompatibility 2); LLS does not associate (1).
 */
@Timeout(30)
class DlmsCoreReadsJdlmsProfileTest {

    static final String LOAD_PROFILE = "1.0.99.1.0.255";
    /** The buffer: 960 entries (10 days) every 15 minutes from 2026-02-20 00:00 UTC, entry 1 the oldest. */
    static final Instant FIRST = Instant.parse("2026-02-20T00:00:00Z");
    static final int ENTRIES = 960;
    static final long PERIOD = 900;
    static final List<CaptureObject> COLUMNS = List.of(new CaptureObject(8, JdlmsClock.OBIS, 2, 0),
            new CaptureObject(3, DlmsCoreReadsJdlmsServerTest.ENERGY, 2, 0));
    /** xDLMS tags: get-response (C4) with-datablock (02), glo-get-response (CC) */
    static final int GET_RESPONSE = 0xC4;
    static final int WITH_DATABLOCK = 0x02;
    static final int GLO_GET_RESPONSE = 0xCC;

    /** jDLMS cuts a long answer into raw-data blocks of (the client's max receive PDU - 35) bytes */
    static final int JDLMS_BLOCK_OVERHEAD = 35;

    static final AtomicLong COUNTER = new AtomicLong(1_000);

    static Vertx vertx;
    static EventLoops loops;
    static Transports transports;
    static JdlmsServerPeer server;
    static WireTap tap;

    enum Client {
        PUBLIC,
        /** suite 0, authenticated and encrypted, the A-HLS configuration */
        HLS_GMAC
    }

    record Row(Instant at, long energyWh) {
    }

    /** Entry {@code entry} (1-based) of the buffer: its capture time and a value that grows unevenly. */
    static Row row(int entry) {
        return new Row(FIRST.plusSeconds((entry - 1) * PERIOD), 20_000_000L + 250L * (entry - 1) + (long) entry * entry % 97);
    }

    static List<Row> entries(int first, int last) {
        List<Row> rows = new ArrayList<>();
        for (int e = first; e <= last; e++) {
            rows.add(row(e));
        }
        return rows;
    }

    static JdlmsProfileGeneric loadProfile() {
        List<List<DataObject>> rows = new ArrayList<>();
        for (Row r : entries(1, ENTRIES)) {
            rows.add(List.of(DataObject.newOctetStringData(cosemDateTime(r.at()).encode()),
                    DataObject.newUInteger32Data(r.energyWh())));
        }
        return new JdlmsProfileGeneric(LOAD_PROFILE, COLUMNS, PERIOD, rows);
    }

    /** UTC, deviation 0, clock status 0 */
    static CosemDateTime cosemDateTime(Instant at) {
        LocalDateTime t = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        return new CosemDateTime(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getDayOfWeek().getValue(),
                t.getHour(), t.getMinute(), t.getSecond(), 0, 0);
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        loops = await(EventLoops.deploy(vertx, 1));
        transports = new Transports(vertx, Duration.ofSeconds(2));
        List<CosemInterfaceObject> objects = new ArrayList<>(DlmsCoreReadsJdlmsServerTest.objects());
        objects.add(loadProfile());
        Hls hls = Hls.GMAC_AUTHENTICATED_ENCRYPTED;
        server = JdlmsServerPeer.start(Framing.WRAPPER, objects, null, Map.of(hls.client, hls.jdlms()));
        tap = WireTap.start(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (tap != null) {
            tap.close();
        }
        if (server != null) {
            server.close();
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    static SessionSettings settings(Client client, int maxPdu) {
        if (client == Client.PUBLIC) {
            return new SessionSettings(HOST, tap.port(), TransportKind.TCP_WRAPPER, JdlmsServerPeer.PUBLIC_CLIENT,
                    JdlmsServerPeer.LOGICAL_DEVICE, AuthenticationLevel.NONE, null, Duration.ofSeconds(3), maxPdu,
                    null);
        }
        Hls h = Hls.GMAC_AUTHENTICATED_ENCRYPTED;
        SecuritySettings security = new SecuritySettings(0, h.ours, DlmsCoreReadsJdlmsHlsGmacServerTest.CLIENT_TITLE,
                h.ek(), h.ak(), null, COUNTER.addAndGet(1_000), null, null, null);
        return new SessionSettings(HOST, tap.port(), TransportKind.TCP_WRAPPER, h.client,
                JdlmsServerPeer.LOGICAL_DEVICE, AuthenticationLevel.HIGH_GMAC, null, Duration.ofSeconds(3), maxPdu,
                security);
    }

    @FunctionalInterface
    interface Reads {
        void run(DlmsSession session, GXDLMSProfileGeneric profile) throws Exception;
    }

    /**
     * A whole session: associate, read the capture objects (attribute 3), {@code reads}, release (RLRQ answered by
     * an RLRE). Returns the wire capture of the session.
     */
    static WireTap.Capture session(Client client, int maxPdu, Reads reads) throws Exception {
        SessionSettings settings = settings(client, maxPdu);
        DlmsSession session = await(DlmsSession.open(vertx, loops.next(), transports.forKind(settings.transport()),
                settings));
        try {
            GXDLMSProfileGeneric profile = new GXDLMSProfileGeneric(LOAD_PROFILE);
            await(session.read(profile, 3));
            assertThat(profile.getCaptureObjects()).extracting(e -> e.getKey().getLogicalName())
                    .containsExactly(JdlmsClock.OBIS, DlmsCoreReadsJdlmsServerTest.ENERGY);
            reads.run(session, profile);
        } finally {
            await(session.release());
        }
        assertThat(session.warnings()).isEmpty();
        assertThat(session.exchange().get(session.exchange().size() - 1)).endsWith("6303800100"); // RLRE, normal
        return tap.last().awaitEnd(Duration.ofSeconds(5));
    }

    // ---------------------------------------------------------------- by range (selector 1)

    /** A whole day (96 rows, about 2 kB): more than our 1024-byte PDU, so it comes in GET datablocks. */
    @ParameterizedTest
    @EnumSource(Client.class)
    void oneDayByRangeComesInGetDatablocks(Client client) throws Exception {
        Instant from = Instant.parse("2026-02-25T00:00:00Z"); // entry 481
        Instant to = Instant.parse("2026-02-25T23:45:00Z");   // entry 576

        WireTap.Capture wire = session(client, SessionSettings.DEFAULT_MAX_PDU, (session, profile) -> {
            assertThat(rows(await(session.readRowsByRange(profile, from, to)))).containsExactlyElementsOf(entries(481, 576));
            // boundaries are inclusive; between two captures and after the last one, nothing
            assertThat(rows(await(session.readRowsByRange(profile, row(10).at(), row(12).at()))))
                    .containsExactlyElementsOf(entries(10, 12));
            assertThat(await(session.readRowsByRange(profile, row(10).at().plusSeconds(60),
                    row(10).at().plusSeconds(120)))).isEmpty();
            assertThat(await(session.readRowsByRange(profile, row(ENTRIES).at().plusSeconds(1),
                    row(ENTRIES).at().plusSeconds(86_400)))).isEmpty();
        });

        assertGetDatablocks(client, wire, SessionSettings.DEFAULT_MAX_PDU, 1);
    }

    // ---------------------------------------------------------------- by entry (selector 2)

    /** Entries 1..4, 100..109, 957 to the newest (count 0) and the whole buffer (1, count 0: 960 rows in blocks). */
    @ParameterizedTest
    @EnumSource(Client.class)
    void byEntryTheOldestAWindowTheNewestAndTheWholeBuffer(Client client) throws Exception {
        WireTap.Capture wire = session(client, SessionSettings.DEFAULT_MAX_PDU, (session, profile) -> {
            assertThat(rows(await(session.readRowsByEntry(profile, 1, 4)))).containsExactlyElementsOf(entries(1, 4));
            assertThat(rows(await(session.readRowsByEntry(profile, 100, 10))))
                    .containsExactlyElementsOf(entries(100, 109));
            assertThat(rows(await(session.readRowsByEntry(profile, 957, 0))))
                    .containsExactlyElementsOf(entries(957, ENTRIES));
            assertThat(rows(await(session.readRowsByEntry(profile, 1, 0)))).containsExactlyElementsOf(entries(1, ENTRIES));
        });

        assertGetDatablocks(client, wire, SessionSettings.DEFAULT_MAX_PDU, 1);
    }

    // ---------------------------------------------------------------- block transfer and PDU sizes

    static Stream<Arguments> clientsAndPduSizes() {
        return Stream.of(Client.values()).flatMap(c -> Stream.of(128, 256, 512, 1024, 2048)
                .map(pdu -> Arguments.of(c, pdu)));
    }

    /**
     * The whole buffer without selective access (about 20 kB) at several PDU sizes our client proposes: jDLMS cuts
     * its answer into blocks that fit, the ciphered ones included, and our client joins them.
     */
    @ParameterizedTest
    @MethodSource("clientsAndPduSizes")
    void theWholeBufferInBlocksAtEachPduSize(Client client, int maxPdu) throws Exception {
        WireTap.Capture wire = session(client, maxPdu, (session, profile) -> {
            await(session.read(profile, 2));
            assertThat(rows(Arrays.stream(profile.getBuffer()).map(r -> (Object[]) r).toList()))
                    .containsExactlyElementsOf(entries(1, ENTRIES));
        });

        List<byte[]> blocks = assertGetDatablocks(client, wire, maxPdu, ENTRIES * 21 / maxPdu);
        // jDLMS's rule (GetRequestProcessor): raw data of every block but the last = our PDU - 35 bytes
        assertThat(blocks.subList(0, blocks.size() - 1)).allSatisfy(b -> assertThat(rawDataLength(b))
                .isEqualTo(maxPdu - JDLMS_BLOCK_OVERHEAD));
    }

    /** Proposing 65535 bytes: jDLMS sends the whole buffer (about 20 kB) in one get-response-normal, no blocks. */
    @ParameterizedTest
    @EnumSource(Client.class)
    void theWholeBufferInOneApduWhenOurPduAllowsIt(Client client) throws Exception {
        WireTap.Capture wire = session(client, 0xFFFF, (session, profile) -> {
            await(session.read(profile, 2));
            assertThat(rows(Arrays.stream(profile.getBuffer()).map(r -> (Object[]) r).toList()))
                    .containsExactlyElementsOf(entries(1, ENTRIES));
        });

        List<byte[]> getResponses = getResponses(client, wire);
        assertThat(getResponses).hasSize(2); // capture objects, buffer
        assertThat(getResponses).allSatisfy(r -> assertThat(HEX.formatHex(r, 0, 2)).isEqualTo("C401"));
        assertThat(getResponses.get(1).length).isGreaterThan(ENTRIES * 21);
    }

    /**
     * GET-with-list of the whole buffer and the clock's time: jDLMS sends the list of results in datablocks (the raw
     * data is the encoded list, count first), our client joins and splits them.
     */
    @ParameterizedTest
    @EnumSource(Client.class)
    void getWithListOfTheBufferAndTheClockComesInBlocks(Client client) throws Exception {
        WireTap.Capture wire = session(client, SessionSettings.DEFAULT_MAX_PDU, (session, profile) -> {
            gurux.dlms.objects.GXDLMSClock clock = new gurux.dlms.objects.GXDLMSClock(JdlmsClock.OBIS);
            List<Object> values = await(session.readList(List.of(Map.entry(profile, 2), Map.entry(clock, 2))));
            assertThat(values).hasSize(2);
            assertThat(rows(Arrays.stream(profile.getBuffer()).map(r -> (Object[]) r).toList()))
                    .containsExactlyElementsOf(entries(1, ENTRIES));
            assertThat(clock.getTime().getMeterCalendar().toInstant())
                    .isEqualTo(DlmsCoreReadsJdlmsServerTest.CLOCK_INSTANT);
        });

        List<byte[]> blocks = assertGetDatablocks(client, wire, SessionSettings.DEFAULT_MAX_PDU, ENTRIES * 21 / 1024);
        // the first block's raw data: octet-string length, then the list of two Get-Data-Results (01 02 ...)
        byte[] first = blocks.get(0);
        int rawDataAt = 9 + ((first[9] & 0x80) == 0 ? 1 : 1 + (first[9] & 0x7F));
        assertThat(HEX.formatHex(first, rawDataAt, rawDataAt + 4)).isEqualTo("02" + "00" + "01" + "82"); // 2 results, data, array
    }

    /** The smallest PDU jDLMS's datablocks work with: 36 bytes, one byte of raw data per block. */
    @ParameterizedTest
    @EnumSource(Client.class)
    void at36BytesEveryBlockCarriesOneByte(Client client) throws Exception {
        int maxPdu = JDLMS_BLOCK_OVERHEAD + 1;
        WireTap.Capture wire = session(client, maxPdu, (session, profile) ->
                assertThat(rows(await(session.readRowsByEntry(profile, 1, 4)))).containsExactlyElementsOf(entries(1, 4)));

        List<byte[]> blocks = assertGetDatablocks(client, wire, maxPdu, 4 * 21);
        assertThat(blocks).allSatisfy(b -> assertThat(rawDataLength(b)).isEqualTo(1));
    }

    // ---------------------------------------------------------------- incompatibility 10: PDUs of 35 bytes and less

    static DlmsSession open(SessionSettings settings) throws Exception {
        return await(DlmsSession.open(vertx, loops.next(), transports.forKind(settings.transport()), settings));
    }

    /**
     * At 35 bytes jDLMS's block size (PDU - 35) is 0: it answers the capture objects (42 bytes) with datablocks of
     * no raw data, never the last, as long as it is asked. Our client asks for each next block without a limit:
     * only the link or the session ending stops it. Closing the session ends the read with a failure (it used to
     * leave the read pending for ever).
     */
    @Test
    void at35BytesJdlmsSendsEmptyDatablocksWithoutEnd() throws Exception {
        DlmsSession session = open(settings(Client.PUBLIC, JDLMS_BLOCK_OVERHEAD));
        // the AARE's InitiateResponse: jDLMS announces a server-max-receive-pdu-size of 65535, VAA 0007
        assertThat(session.exchange().get(1)).startsWith("RX ").endsWith("FFFF0007");
        Future<Object> read = session.read(new GXDLMSProfileGeneric(LOAD_PROFILE), 3);
        WireTap.Capture wire = tap.last();
        List<byte[]> blocks = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (blocks.size() < 200 && System.nanoTime() < deadline) { // bounded: 5 s at most
            Thread.sleep(20);
            blocks = wire.peerApdusSoFar().stream().filter(a -> (a[0] & 0xFF) == GET_RESPONSE).toList();
        }
        assertThat(read.isComplete()).as("our client still following blocks").isFalse();
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(200);
        for (int i = 0; i < 200; i++) {
            // C4 02 C1 | last-block 00 | block number i+1 | raw-data 00 | length 00
            assertThat(HEX.formatHex(blocks.get(i))).isEqualTo("C402C100" + String.format("%08X", i + 1) + "0000");
        }

        await(session.close());

        Throwable failure = Loopback.failureOf(read);
        assertThat(failure).isInstanceOf(DlmsException.class);
        assertThat(((DlmsException) failure).code()).isEqualTo(FailureCode.CONNECTION_CLOSED);
        wire.awaitEnd(Duration.ofSeconds(5));
    }

    /** dlms-core's answer limit ends the endless empty datablocks on its own, as PROTOCOL DLMS-008. */
    @Test
    void theBlockLimitEndsJdlmsEndlessEmptyDatablocks() throws Exception {
        DlmsSession session = open(settings(Client.PUBLIC, JDLMS_BLOCK_OVERHEAD));
        Throwable failure = Loopback.failureOf(session.read(new GXDLMSProfileGeneric(LOAD_PROFILE), 3));
        assertThat(failure).isInstanceOf(DlmsException.class);
        assertThat(((DlmsException) failure).code()).isEqualTo(FailureCode.ANSWER_TOO_LONG);
        assertThat(failure.getMessage()).startsWith("DLMS-008")
                .contains("no last block after " + DlmsSession.MAX_ROUNDS_PER_ANSWER);
        await(session.close());
    }

    /**
     * Below 35 bytes the block size is negative: jDLMS's connection thread dies on a NegativeArraySizeException in
     * GetRequestProcessor.sendAsDataBlocks and the socket closes without an answer. Our client reports a closed
     * connection (NETWORK).
     */
    @Test
    void below35BytesTheJdlmsServerThreadDies() throws Exception {
        List<Throwable> jdlmsThreadDeaths = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> jdlmsThreadDeaths.add(error));
        DlmsSession session = open(settings(Client.PUBLIC, JDLMS_BLOCK_OVERHEAD - 1));
        Throwable failure;
        try {
            failure = Loopback.failureOf(session.read(new GXDLMSProfileGeneric(LOAD_PROFILE), 3));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (jdlmsThreadDeaths.isEmpty() && System.nanoTime() < deadline) { // bounded: 5 s at most
                Thread.sleep(10);
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
            await(session.close());
        }

        assertThat(jdlmsThreadDeaths).singleElement().satisfies(error -> {
            assertThat(error).isInstanceOf(NegativeArraySizeException.class).hasMessage("-1");
            assertThat(error.getStackTrace()).anySatisfy(frame -> {
                assertThat(frame.getClassName())
                        .isEqualTo("org.openmuc.jdlms.internal.association.ln.GetRequestProcessor");
                assertThat(frame.getMethodName()).isEqualTo("sendAsDataBlocks");
            });
        });
        assertThat(failure).isInstanceOf(DlmsException.class);
        DlmsException e = (DlmsException) failure;
        assertThat(e.code()).isEqualTo(FailureCode.CONNECTION_CLOSED);
        assertThat(e.failureClass()).isEqualTo(FailureClass.NETWORK);
        // our GET of the capture objects is the last frame: no answer came
        assertThat(e.exchange().get(e.exchange().size() - 1)).startsWith("TX ").contains("C001C100070100630100FF0300");
    }

    // ---------------------------------------------------------------- what our client decoded

    static List<Row> rows(List<Object[]> cells) {
        List<Row> rows = new ArrayList<>(cells.size());
        for (Object[] row : cells) {
            assertThat(row).hasSize(2);
            assertThat(row[0]).isInstanceOf(GXDateTime.class);
            assertThat(row[1]).isInstanceOf(Number.class);
            rows.add(new Row(((GXDateTime) row[0]).getMeterCalendar().toInstant(), ((Number) row[1]).longValue()));
        }
        return rows;
    }

    // ---------------------------------------------------------------- block transfer on the wire

    /** The length of a datablock's raw data (C4 02 id last number(4) 00, then an A-XDR length). */
    static int rawDataLength(byte[] block) {
        int first = block[9] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7F); i++) {
            length = (length << 8) | (block[10 + i] & 0xFF);
        }
        return length;
    }

    /**
     * jDLMS's answers included at least {@code atLeast} GET-response-with-datablock APDUs (ciphered ones deciphered
     * with the JCE first), numbered 1, 2, … with last-block on the last of each transfer, each GET answer on the wire
     * no longer than the PDU our client proposed.
     */
    static List<byte[]> assertGetDatablocks(Client client, WireTap.Capture wire, int maxPdu, int atLeast)
            throws Exception {
        for (byte[] apdu : wire.peerApdus()) {
            if ((apdu[0] & 0xFF) == GET_RESPONSE || (apdu[0] & 0xFF) == GLO_GET_RESPONSE) {
                // (the AARE comes before the PDU size is agreed)
                assertThat(apdu.length).as("GET answer within the PDU our client proposed").isLessThanOrEqualTo(maxPdu);
            }
        }
        List<byte[]> datablocks = new ArrayList<>();
        for (byte[] plain : getResponses(client, wire)) {
            if (plain[1] == WITH_DATABLOCK) {
                datablocks.add(plain);
            }
        }
        assertThat(datablocks).hasSizeGreaterThanOrEqualTo(Math.max(2, atLeast));
        long expectedNumber = 1;
        for (byte[] block : datablocks) {
            // C4 02 invoke-id | last-block | block-number (4) | raw-data choice 00 ...
            boolean last = block[3] != 0;
            assertThat(ByteBuffer.wrap(block, 4, 4).getInt() & 0xFFFFFFFFL).isEqualTo(expectedNumber);
            assertThat(block[8]).as("raw-data, not a data-access-result").isZero();
            expectedNumber = last ? 1 : expectedNumber + 1;
        }
        assertThat(expectedNumber).as("the last block said last-block").isEqualTo(1);
        return datablocks;
    }

    /** jDLMS's get-responses (C4), deciphered with the JCE when ciphered (glo-get-response, CC). */
    static List<byte[]> getResponses(Client client, WireTap.Capture wire) throws Exception {
        List<byte[]> responses = new ArrayList<>();
        for (byte[] apdu : wire.peerApdus()) {
            byte[] plain = apdu;
            if ((apdu[0] & 0xFF) == GLO_GET_RESPONSE) {
                assertThat(client).isEqualTo(Client.HLS_GMAC);
                Ciphered c = Ciphered.parse(apdu);
                plain = GreenBookGcm.decrypt(DlmsCoreReadsJdlmsHlsGmacServerTest.EK,
                        GreenBookGcm.iv(JdlmsServerPeer.SYSTEM_TITLE, c.invocationCounter()), c.securityControl(),
                        DlmsCoreReadsJdlmsHlsGmacServerTest.AK, c.body());
            } else if ((apdu[0] & 0xFF) == GET_RESPONSE) {
                assertThat(client).as("a GET answer in clear").isEqualTo(Client.PUBLIC);
            }
            if ((plain[0] & 0xFF) == GET_RESPONSE) {
                responses.add(plain);
            }
        }
        return responses;
    }
}
