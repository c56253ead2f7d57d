package org.amihes.interop;

import static org.amihes.interop.Loopback.HOST;
import static org.amihes.interop.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.objects.GXDLMSRegister;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.BufferUnderflowException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.MeterReading;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.interop.JdlmsServerPeer.Framing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmuc.jdlms.ConformanceSetting;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.datatypes.CosemDateTime;
import org.openmuc.jdlms.datatypes.DataObject;

/**
 * Direction A: our client ({@code dlms-core}: {@link MeterReader}, {@link DlmsSession}) reads a jDLMS server that
 * holds a Register 1.0.1.8.0.255 and a Clock 0.0.1.0.0.255 with values set here. Where the two stacks do not
 * interoperate, the test pins the observed failure and the frames that cause it (see README.md).
 */
@Timeout(30)
class DlmsCoreReadsJdlmsServerTest {

    static final String ENERGY = "1.0.1.8.0.255";
    static final long RAW = 123_456_789L;
    static final int SCALER = -1;
    static final int UNIT_WH = 30;
    /** 2026-03-01 12:34:56.00, a Sunday (day of week 7), deviation 0, clock status 0 */
    static final CosemDateTime CLOCK = new CosemDateTime(2026, 3, 1, 7, 12, 34, 56, 0, 0);
    static final Instant CLOCK_INSTANT = Instant.parse("2026-03-01T12:34:56Z");

    /** AARQ/AARE application-context-name values (A1 09 06 07 60 85 74 05 08 01 xx) */
    static final String CONTEXT_LN_NO_CIPHERING = "A109060760857405080101";
    static final String CONTEXT_LN_WITH_CIPHERING = "A109060760857405080103";
    /** AARQ mechanism-name LLS (8B 07 60 85 74 05 08 02 01) */
    static final String MECHANISM_LLS = "8B0760857405080201";
    /** AARE result: accepted (A2 03 02 01 00) */
    static final String RESULT_ACCEPTED = "A203020100";

    static Vertx vertx;
    static EventLoops loops;
    static Transports transports;
    static MeterReader reader;
    static JdlmsServerPeer wrapperServer;
    static JdlmsServerPeer wrapperServerWithoutGetWithList;
    static JdlmsServerPeer hdlcServer;

    enum Association { PUBLIC_NO_AUTH, LLS }

    enum Server { WRAPPER, WRAPPER_WITHOUT_GET_WITH_LIST, HDLC }

    enum Combination {
        WRAPPER_PUBLIC(Server.WRAPPER, Association.PUBLIC_NO_AUTH),
        WRAPPER_PUBLIC_SINGLE_GETS(Server.WRAPPER_WITHOUT_GET_WITH_LIST, Association.PUBLIC_NO_AUTH),
        WRAPPER_LLS(Server.WRAPPER, Association.LLS),
        HDLC_PUBLIC(Server.HDLC, Association.PUBLIC_NO_AUTH),
        HDLC_LLS(Server.HDLC, Association.LLS);

        final Server server;
        final Association association;

        Combination(Server server, Association association) {
            this.server = server;
            this.association = association;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        loops = await(EventLoops.deploy(vertx, 1));
        transports = new Transports(vertx, Duration.ofSeconds(2));
        reader = new MeterReader(vertx, loops, transports);
        wrapperServer = JdlmsServerPeer.start(Framing.WRAPPER, objects());
        wrapperServerWithoutGetWithList = JdlmsServerPeer.start(Framing.WRAPPER, objects(), new ConformanceSetting[] {
            ConformanceSetting.GET, ConformanceSetting.BLOCK_TRANSFER_WITH_GET_OR_READ});
        hdlcServer = JdlmsServerPeer.start(Framing.HDLC, objects());
    }

    @AfterAll
    static void stop() throws Exception {
        for (JdlmsServerPeer server : new JdlmsServerPeer[] {wrapperServer, wrapperServerWithoutGetWithList, hdlcServer}) {
            if (server != null) {
                server.close();
            }
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    /** What each jDLMS server holds: the values every assertion below compares against. */
    static List<CosemInterfaceObject> objects() {
        return List.of(new JdlmsRegister(ENERGY, DataObject.newUInteger32Data(RAW), SCALER, UNIT_WH),
                new JdlmsClock(CLOCK));
    }

    static SessionSettings settings(Combination c) {
        JdlmsServerPeer server = switch (c.server) {
            case WRAPPER -> wrapperServer;
            case WRAPPER_WITHOUT_GET_WITH_LIST -> wrapperServerWithoutGetWithList;
            case HDLC -> hdlcServer;
        };
        TransportKind kind = c.server == Server.HDLC ? TransportKind.TCP_HDLC : TransportKind.TCP_WRAPPER;
        return c.association == Association.LLS
                ? new SessionSettings(HOST, server.port(), kind, JdlmsServerPeer.LLS_CLIENT,
                        JdlmsServerPeer.LOGICAL_DEVICE, AuthenticationLevel.LOW, JdlmsServerPeer.LLS_PASSWORD,
                        Duration.ofSeconds(3), SessionSettings.DEFAULT_MAX_PDU, null)
                : SessionSettings.publicClient(HOST, server.port(), kind).withResponseTimeout(Duration.ofSeconds(3));
    }

    static DlmsException readFailure(Combination c) throws Exception {
        Throwable failure = Loopback.failureOf(reader.read(settings(c), List.of(ENERGY)));
        assertThat(failure).isInstanceOf(DlmsException.class);
        return (DlmsException) failure;
    }

    // ---------------------------------------------------------------- what interoperates

    @ParameterizedTest
    @EnumSource(names = {"WRAPPER_PUBLIC", "WRAPPER_PUBLIC_SINGLE_GETS"})
    void meterReaderReadsRegisterScalerUnitAndClock(Combination c) throws Exception {
        MeterReading reading = await(reader.read(settings(c), List.of(ENERGY)));

        assertThat(reading.meterTime()).isEqualTo(CLOCK_INSTANT);
        assertThat(reading.registers()).singleElement().satisfies(r -> {
            assertThat(r.obis()).isEqualTo(ENERGY);
            assertThat(r.raw()).isEqualByComparingTo(BigDecimal.valueOf(RAW));
            assertThat(r.scaler()).isEqualTo(SCALER);
            assertThat(r.unit()).isEqualTo("Wh"); // DLMS unit 30
            assertThat(r.value()).isEqualByComparingTo("12345678.9");
        });
    }

    /** Below MeterReader: the negotiated conformance decides the read path, and release gets its RLRE. */
    @ParameterizedTest
    @EnumSource(names = {"WRAPPER_PUBLIC", "WRAPPER_PUBLIC_SINGLE_GETS"})
    void sessionFollowsNegotiatedConformanceAndReleasesWithRlre(Combination c) throws Exception {
        SessionSettings settings = settings(c);
        DlmsSession session = await(DlmsSession.open(vertx, loops.next(), transports.forKind(settings.transport()),
                settings));
        assertThat(session.supportsGetWithList()).isEqualTo(c.server == Server.WRAPPER);

        GXDLMSRegister energy = new GXDLMSRegister(ENERGY);
        assertThat(await(session.read(energy, 2))).isEqualTo(RAW);
        await(session.read(energy, 3));
        assertThat(energy.getScaler()).isCloseTo(0.1, within(1e-12));
        assertThat(energy.getUnit().getValue()).isEqualTo(UNIT_WH);

        await(session.release());
        assertThat(session.state()).isEqualTo(DlmsSession.State.CLOSED);
        List<String> exchange = session.exchange();
        // the last two wrapper PDUs (8-byte header: version, source, destination, length): our RLRQ (62 ..) and
        // jDLMS's RLRE, reason normal (63 03 80 01 00)
        String rlrq = exchange.get(exchange.size() - 2);
        assertThat(rlrq).startsWith("TX 0001" + hex4(settings.clientAddress()) + "0001");
        assertThat(rlrq.substring("TX ".length() + 16)).startsWith("62");
        assertThat(exchange.get(exchange.size() - 1)).isEqualTo("RX 00010001" + hex4(settings.clientAddress())
                + "000563038001" + "00");
    }

    // ---------------------------------------------------------------- incompatibility 1: LLS AARE context name

    /**
     * jDLMS accepts the LLS association (result accepted, password checked) but names the application context
     * "logical name referencing WITH ciphering" (…08 01 03) although the AARQ proposed "without ciphering"
     * (…08 01 01). Our client refuses an association it did not propose and says so: a context-name mismatch
     * naming both contexts, before any GET is sent (not the rejection Gurux alone would make up).
     */
    @Test
    void llsOverWrapperIsRefusedBecauseJdlmsAnswersWithTheCipheredContextName() throws Exception {
        DlmsException e = readFailure(Combination.WRAPPER_LLS);

        assertThat(e.code()).isEqualTo(FailureCode.CONTEXT_NAME_MISMATCH);
        assertThat(e.failureClass()).isEqualTo(FailureClass.PROTOCOL);
        assertThat(e.getMessage()).startsWith("DLMS-007: Application context name mismatch")
                .contains("AARE accepted with application context 2.16.756.5.8.1.3", "2.16.756.5.8.1.1");
        assertThat(e.exchange()).hasSize(2);
        String aarq = e.exchange().get(0);
        String aare = e.exchange().get(1);
        assertThat(aarq).startsWith("TX ").contains(CONTEXT_LN_NO_CIPHERING, MECHANISM_LLS,
                hexAscii(JdlmsServerPeer.LLS_PASSWORD));
        assertThat(aare).startsWith("RX ").contains(CONTEXT_LN_WITH_CIPHERING, RESULT_ACCEPTED)
                .doesNotContain(CONTEXT_LN_NO_CIPHERING);
    }

    /** Control: the same jDLMS server, public client, echoes the proposed context name, so the association works. */
    @Test
    void publicClientGetsItsProposedContextNameBack() throws Exception {
        SessionSettings settings = settings(Combination.WRAPPER_PUBLIC);
        DlmsSession session = await(DlmsSession.open(vertx, loops.next(), transports.forKind(settings.transport()),
                settings));
        try {
            assertThat(session.exchange().get(1)).startsWith("RX ").contains(CONTEXT_LN_NO_CIPHERING, RESULT_ACCEPTED);
        } finally {
            await(session.release());
        }
    }

    // ---------------------------------------------------------------- incompatibility 2: HDLC link set-up

    /**
     * Our client's SNRM carries no information field (IEC 62056-46: optional, defaults apply). jDLMS's HDLC server
     * decodes the absent parameters unconditionally, dies on a BufferUnderflowException in its connection thread
     * and closes the socket: no UA, no DM. Our client reports the closed connection as a network failure.
     */
    @ParameterizedTest
    @EnumSource(names = {"HDLC_PUBLIC", "HDLC_LLS"})
    void hdlcSnrmWithoutParametersMakesJdlmsDropTheConnection(Combination c) throws Exception {
        List<Throwable> jdlmsThreadDeaths = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> jdlmsThreadDeaths.add(error));
        DlmsException e;
        try {
            e = readFailure(c);
            // the server thread dies after closing the socket: give it a moment to report
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (jdlmsThreadDeaths.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        assertThat(jdlmsThreadDeaths).singleElement().satisfies(error -> {
            assertThat(error).isInstanceOf(BufferUnderflowException.class);
            assertThat(error.getStackTrace()).anySatisfy(frame -> {
                assertThat(frame.getClassName()).isEqualTo("org.openmuc.jdlms.sessionlayer.hdlc.HdlcParameters");
                assertThat(frame.getMethodName()).isEqualTo("decode");
            });
        });

        assertThat(e.code()).isEqualTo(FailureCode.CONNECTION_CLOSED);
        assertThat(e.failureClass()).isEqualTo(FailureClass.NETWORK);
        int clientByte = (settings(c).clientAddress() << 1) | 1;
        // 7E A0 07 | dest 03 (server 1) | src (client) | control 93 (SNRM, poll) | HCS/FCS | 7E: frame length 7
        assertThat(e.exchange()).singleElement().asString()
                .startsWith("TX 7EA00703" + String.format("%02X", clientByte) + "93")
                .hasSize("TX ".length() + 2 * 9);
    }

    /**
     * Even an SNRM with parameters (what dlms-core would have to send to pass the first step, built here with
     * Gurux directly) only gets one step further: jDLMS answers UA and then an AARE I-frame whose N(R) is still 0
     * after receiving our I-frame N(S)=0. HDLC (ISO/IEC 13239, IEC 62056-46) requires N(R)=1 there: jDLMS's server
     * never advances its receive sequence number. Gurux drops the frame as out of sequence, so a Gurux-based client
     * would wait for an AARE until its timeout.
     */
    @Test
    void jdlmsHdlcServerNeverAcknowledgesOurInformationFrames() throws Exception {
        GXDLMSClient gurux = new GXDLMSClient(true, JdlmsServerPeer.PUBLIC_CLIENT, JdlmsServerPeer.LOGICAL_DEVICE,
                Authentication.NONE, null, InterfaceType.HDLC);
        gurux.getHdlcSettings().setMaxInfoTX(256); // non-default values: Gurux then sends the parameter field
        gurux.getHdlcSettings().setMaxInfoRX(256);
        try (Socket socket = new Socket(HOST, hdlcServer.port())) {
            socket.setSoTimeout(3000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();

            byte[] snrm = gurux.snrmRequest();
            assertThat(snrm.length).isGreaterThan(9); // carries the information field
            out.write(snrm);
            byte[] ua = HdlcFrames.read(in);
            assertThat(HdlcFrames.control(ua)).isEqualTo(0x73); // UA, final
            GXReplyData uaReply = new GXReplyData();
            assertThat(gurux.getData(new GXByteBuffer(ua), uaReply, new GXReplyData())).isTrue();
            gurux.parseUAResponse(uaReply.getData());

            byte[][] aarq = gurux.aarqRequest();
            assertThat(aarq).hasNumberOfRows(1);
            int aarqControl = HdlcFrames.control(aarq[0]);
            assertThat(HdlcFrames.isInformationFrame(aarqControl)).isTrue();
            assertThat(HdlcFrames.sendSequence(aarqControl)).isZero();
            out.write(aarq[0]);

            byte[] aare = HdlcFrames.read(in);
            int aareControl = HdlcFrames.control(aare);
            assertThat(HdlcFrames.isInformationFrame(aareControl)).isTrue();
            assertThat(HdlcFrames.sendSequence(aareControl)).isZero();
            assertThat(HexFormat.of().withUpperCase().formatHex(aare)).contains(RESULT_ACCEPTED);
            // the deviation: N(R) must be 1 (our I-frame 0 received); jDLMS sends 0
            assertThat(HdlcFrames.receiveSequence(aareControl)).isZero();

            GXReplyData reply = new GXReplyData();
            boolean complete = gurux.getData(new GXByteBuffer(aare), reply, new GXReplyData());
            assertThat(complete).as("Gurux accepts the out-of-sequence AARE frame").isFalse();
        }
    }

    static String hex4(int value) {
        return String.format("%04X", value);
    }

    static String hexAscii(String s) {
        return HexFormat.of().withUpperCase().formatHex(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
