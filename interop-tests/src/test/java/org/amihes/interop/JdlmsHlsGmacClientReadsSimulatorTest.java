package org.amihes.interop;

import static org.amihes.interop.Acse.HEX;
import static org.amihes.interop.Loopback.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Vertx;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.EventLoops;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.MeterReading;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.Transports;
import org.amihes.dlms.transport.TransportKind;
import org.amihes.interop.GreenBookGcm.Ciphered;
import org.amihes.simulator.Fleet;
import org.amihes.simulator.FleetSimulator;
import org.amihes.simulator.MeterKeys;
import org.amihes.simulator.MeterModel;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.AttributeAddress;
import org.openmuc.jdlms.AuthenticationMechanism;
import org.openmuc.jdlms.DlmsConnection;
import org.openmuc.jdlms.GetResult;
import org.openmuc.jdlms.RawMessageData;
import org.openmuc.jdlms.RawMessageData.MessageSource;
import org.openmuc.jdlms.SecuritySuite;
import org.openmuc.jdlms.SecuritySuite.EncryptionMechanism;
import org.openmuc.jdlms.TcpConnectionBuilder;

/**
 * Direction B with HLS-GMAC: jDLMS's client reads the simulator's management association (client SAP 1) with the
 * fleet's keys for the meter ({@link Fleet#keys}) and the head-end system title the meters expect. aurora-ax1 is
 * the built-in HLS-GMAC profile (suite 0, authenticated and encrypted). Three test-only variants of it
 * ({@code src/test/resources/profiles}) change one thing each: policy authenticated only, policy encrypted only,
 * suite 2. Our own client reads every variant as a control. Expected values come from {@link MeterModel}.
 */
@Timeout(30)
class JdlmsHlsGmacClientReadsSimulatorTest {

    static final java.time.Instant NOW = JdlmsClientReadsSimulatorTest.NOW;
    static final int MANAGEMENT_CLIENT = 1;
    /** jDLMS's client system title: "HES" and the 5 bytes "00001", i.e. MeterKeys.HEAD_END_SYSTEM_TITLE */
    static final long HEAD_END_DEVICE_ID = 0x3030303031L;
    /** exception-response (D8): state-error service-unknown (2), service-error deciphering-error (5) */
    static final String EXCEPTION_DECIPHERING_ERROR = "D80205";

    /** Fleet.generate cycles through the profiles in this order: MTR000001 .. MTR000004. */
    enum Meter {
        AURORA("MTR000001", "aurora-ax1", EncryptionMechanism.AES_GCM_128,
                SecuritySuite.SecurityPolicy.AUTHENTICATED_AND_ENCRYPTED),
        AUTHENTICATED_ONLY("MTR000002", "interop-aurora-authenticated", EncryptionMechanism.AES_GCM_128,
                SecuritySuite.SecurityPolicy.AUTHENTICATED),
        ENCRYPTED_ONLY("MTR000003", "interop-aurora-encrypted", EncryptionMechanism.AES_GCM_128,
                SecuritySuite.SecurityPolicy.ENCRYPTED),
        SUITE_2("MTR000004", "interop-aurora-suite2", EncryptionMechanism.AES_GCM_256,
                SecuritySuite.SecurityPolicy.AUTHENTICATED_AND_ENCRYPTED);

        final String meterId;
        final String profile;
        final EncryptionMechanism encryption;
        final SecuritySuite.SecurityPolicy policy;

        Meter(String meterId, String profile, EncryptionMechanism encryption, SecuritySuite.SecurityPolicy policy) {
            this.meterId = meterId;
            this.profile = profile;
            this.encryption = encryption;
            this.policy = policy;
        }

        MeterSpec spec() {
            return simulator.fleet().meter(meterId);
        }

        MeterKeys keys() {
            return simulator.fleet().keys(meterId);
        }
    }

    /** The simulator keeps each meter's invocation counter across connections: every association counts higher. */
    static final AtomicLong COUNTER = new AtomicLong(1_000);

    static Vertx vertx;
    static FleetSimulator simulator;
    static MeterReader reader;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        List<String> profiles = java.util.Arrays.stream(Meter.values()).map(m -> m.profile).toList();
        Fleet fleet = Fleet.generate(profiles.size(), profiles, 11, "127.4.1.1", Loopback.freePort());
        assertThat(fleet.meters()).extracting(MeterSpec::profile).containsExactlyElementsOf(profiles);
        simulator = await(FleetSimulator.start(vertx, fleet, Clock.fixed(NOW, ZoneOffset.UTC), "0.0.0.0"));
        reader = new MeterReader(vertx, await(EventLoops.deploy(vertx, 1)), new Transports(vertx, Duration.ofSeconds(2)));
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

    static TcpConnectionBuilder builder(Meter m, long frameCounter, List<RawMessageData> raw) throws IOException {
        MeterSpec meter = m.spec();
        assertThat(VendorProfile.load(meter.profile()).framing()).isEqualTo(VendorProfile.Framing.WRAPPER);
        return asManagementClient(JdlmsClientReadsSimulatorTest.clientFor(meter).setRawMessageListener(raw::add),
                m.keys(), frameCounter, m.encryption, m.policy);
    }

    /** As the simulator's HLS-GMAC management client (1), system title HES00001, with the meter's keys. */
    static TcpConnectionBuilder asManagementClient(TcpConnectionBuilder builder, MeterKeys keys, long frameCounter,
                                                   EncryptionMechanism encryption, SecuritySuite.SecurityPolicy policy) {
        return builder.setClientId(MANAGEMENT_CLIENT)
                .setSystemTitle("HES", HEAD_END_DEVICE_ID)
                .setFrameCounter(frameCounter)
                .setSecuritySuite(SecuritySuite.builder()
                        .setAuthenticationMechanism(AuthenticationMechanism.HLS5_GMAC)
                        .setEncryptionMechanism(encryption)
                        .setSecurityPolicy(policy)
                        .setGlobalUnicastEncryptionKey(keys.blockCipherKey())
                        .setAuthenticationKey(keys.authenticationKey())
                        .build());
    }

    static List<byte[]> apdusFrom(List<RawMessageData> raw, MessageSource source) {
        return raw.stream().filter(r -> r.getMessageSource() == source)
                .map(r -> Acse.apduOfJdlmsMessage(r.getMessage())).toList();
    }

    // ---------------------------------------------------------------- what interoperates

    @Test
    void associatesWithHlsGmacAndReadsRegisterScalerUnitAndClockAsTheModelSays() throws Exception {
        Meter m = Meter.AURORA;
        MeterSpec meter = m.spec();
        VendorProfile profile = VendorProfile.load(meter.profile());
        AttributeAddress value = new AttributeAddress(3, profile.energyObis(), 2);
        AttributeAddress scalerUnit = new AttributeAddress(3, profile.energyObis(), 3);
        AttributeAddress time = new AttributeAddress(8, JdlmsClientReadsSimulatorTest.CLOCK, 2);
        AttributeAddress serial = new AttributeAddress(1, JdlmsClientReadsSimulatorTest.SERIAL_NUMBER, 2);
        long frameCounter = COUNTER.addAndGet(1_000);
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();

        DlmsConnection connection = builder(m, frameCounter, raw).build();
        try {
            JdlmsClientReadsSimulatorTest.assertValue(connection.get(value), meter, profile);
            JdlmsClientReadsSimulatorTest.assertScalerUnit(connection.get(scalerUnit), profile);
            JdlmsClientReadsSimulatorTest.assertClock(connection.get(time));

            List<GetResult> list = connection.get(List.of(value, scalerUnit, time, serial));
            assertThat(list).hasSize(4);
            JdlmsClientReadsSimulatorTest.assertValue(list.get(0), meter, profile);
            JdlmsClientReadsSimulatorTest.assertScalerUnit(list.get(1), profile);
            JdlmsClientReadsSimulatorTest.assertClock(list.get(2));
            assertThat(list.get(3).getResultCode()).isEqualTo(AccessResultCode.SUCCESS);
            assertThat(new String((byte[]) list.get(3).getResultData().getValue(), StandardCharsets.US_ASCII))
                    .isEqualTo(meter.serialNumber());

            GetResult absent = connection.get(new AttributeAddress(3, "1.0.2.8.0.255", 2));
            assertThat(absent.getResultCode()).isEqualTo(AccessResultCode.OBJECT_UNDEFINED);
        } finally {
            connection.close(); // without RLRQ: the ciphered release is pinned below
        }

        // the wire: jDLMS's AARQ under its frame counter, without a dedicated key; the meter's AARE with its title
        byte[] aarq = apdusFrom(raw, MessageSource.CLIENT).get(0);
        Ciphered request = Ciphered.parse(Acse.userInformation(aarq));
        assertThat(request.securityControl()).isEqualTo(DlmsCoreReadsJdlmsHlsGmacServerTest.SC_AUTHENTICATED_ENCRYPTED);
        assertThat(request.invocationCounter()).isEqualTo(frameCounter);
        assertThat(Acse.apTitle(aarq, 0xA6)).isEqualTo(MeterKeys.HEAD_END_SYSTEM_TITLE);
        RawMessageData aarqMessage = raw.stream().filter(r -> r.getMessageSource() == MessageSource.CLIENT)
                .findFirst().orElseThrow(); // listener calls come from two threads: pick by source, not position
        assertThat(HEX.formatHex(aarqMessage.getApdu().getCosemPdu().getPlainCosemPdu())).startsWith("0100");
        byte[] aare = apdusFrom(raw, MessageSource.SERVER).get(0);
        assertThat(Acse.apTitle(aare, 0xA4)).isEqualTo(m.keys().systemTitle());
        // the simulator (Gurux) says authentication-required (14), as the Green Book has it for HLS
        assertThat(Acse.field(aare, 0xA3)).hasValueSatisfying(d -> assertThat(HEX.formatHex(d)).isEqualTo("A10302010E"));
        Ciphered response = Ciphered.parse(Acse.userInformation(aare));
        byte[] initiateResponse = GreenBookGcm.decrypt(m.keys().blockCipherKey(),
                GreenBookGcm.iv(m.keys().systemTitle(), response.invocationCounter()), response.securityControl(),
                m.keys().authenticationKey(), response.body());
        assertThat(HEX.formatHex(initiateResponse)).startsWith("080006");
    }

    /** Control: our client reads every variant, so each jDLMS failure below is about jDLMS, not the variant. */
    @ParameterizedTest
    @EnumSource(Meter.class)
    void ourClientReadsEveryVariant(Meter m) throws Exception {
        MeterSpec meter = m.spec();
        VendorProfile profile = VendorProfile.load(meter.profile());
        MeterKeys keys = m.keys();
        SecuritySettings security = new SecuritySettings(profile.securitySuite(),
                SecuritySettings.SecurityPolicy.valueOf(profile.securityPolicy()), MeterKeys.HEAD_END_SYSTEM_TITLE,
                keys.blockCipherKey(), keys.authenticationKey(), null, COUNTER.addAndGet(1_000), null, null, null);
        SessionSettings settings = new SessionSettings(meter.host(), meter.port(), TransportKind.TCP_WRAPPER,
                MANAGEMENT_CLIENT, meter.logicalDevice(), AuthenticationLevel.HIGH_GMAC, null, Duration.ofSeconds(3),
                SessionSettings.DEFAULT_MAX_PDU, security);

        MeterReading reading = await(reader.read(settings, List.of(profile.energyObis())));

        assertThat(reading.meterTime()).isEqualTo(NOW);
        assertThat(reading.registers()).singleElement().satisfies(r -> assertThat(r.raw())
                .isEqualByComparingTo(new BigDecimal(MeterModel.energyRaw(meter, profile, NOW))));
    }

    // ---------------------------------------------------------------- incompatibility 3, ciphered: fixed

    /**
     * Gurux 4.0.47's RLRE to a ciphered association carries a glo-initiateResponse with BER lengths that were too
     * short (declared 0x24 and 0x22 for 40 and 35 bytes) and jDLMS's {@code disconnect()} failed on it. The
     * simulator now corrects them ({@code RlreLengths}): jDLMS releases cleanly and every length adds up.
     */
    @Test
    void cipheredReleaseCompletesWithTheCorrectedRlre() throws Exception {
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();
        DlmsConnection connection = builder(Meter.AURORA, COUNTER.addAndGet(1_000), raw).build();
        MeterSpec meter = Meter.AURORA.spec();
        VendorProfile profile = VendorProfile.load(meter.profile());
        JdlmsClientReadsSimulatorTest.assertValue(connection.get(new AttributeAddress(3, profile.energyObis(), 2)),
                meter, profile);

        assertThat(catchThrowable(connection::disconnect)).isNull();
        byte[] rlre = apdusFrom(raw, MessageSource.SERVER).stream().filter(a -> (a[0] & 0xFF) == 0x63).findFirst()
                .orElseThrow();
        assertThat(HEX.formatHex(rlre)).startsWith("6328" + "800100" + "BE23" + "0421" + "28"); // glo-initiateResponse
        assertThat(rlre.length - 2).as("RLRE content length as declared").isEqualTo(0x28);
        assertThat(rlre.length - 7).as("user-information length as declared").isEqualTo(0x23);
    }

    // ---------------------------------------------------------------- incompatibility 9: exception-response

    /**
     * A stale invocation counter: the simulator refuses the AARQ with an exception-response (D8 02 05, which has
     * no ciphered form). jDLMS deciphers every APDU once ciphering is configured, reads past the three bytes and
     * fails with a bare EOFException: the reason for the refusal is lost. (Our client reads it as DLMS-404 and
     * resynchronises the counter, see dlms-core's AssociationDiagnosis.)
     */
    @Test
    void staleInvocationCounterEndsInAnExceptionResponseJdlmsCannotRead() throws Exception {
        builder(Meter.AURORA, COUNTER.addAndGet(1_000), new CopyOnWriteArrayList<>()).build().close();
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();

        Throwable failure = catchThrowable(() -> builder(Meter.AURORA, 1, raw).build().close());

        assertJdlmsCannotReadTheExceptionResponse(failure, raw);
    }

    static void assertJdlmsCannotReadTheExceptionResponse(Throwable failure, List<RawMessageData> raw) {
        assertThat(failure).isInstanceOf(EOFException.class);
        assertThat(failure.getStackTrace()).anySatisfy(frame -> {
            assertThat(frame.getClassName()).isEqualTo("org.openmuc.jdlms.internal.APdu");
            assertThat(frame.getMethodName()).isEqualTo("decode");
        });
        assertThat(apdusFrom(raw, MessageSource.SERVER)).singleElement()
                .satisfies(a -> assertThat(HEX.formatHex(a)).isEqualTo(EXCEPTION_DECIPHERING_ERROR));
    }

    // ---------------------------------------------------------------- incompatibility 6, from jDLMS's client

    /**
     * jDLMS's "authenticated only" AARQ is encrypted (see {@link JdlmsAgainstItselfTest}); the simulator checks
     * the Green Book tag over the body as clear text, which fails: exception-response, which jDLMS cannot read.
     */
    @Test
    void authenticatedOnlyAarqIsRefusedBecauseJdlmsEncryptsIt() throws Exception {
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();

        Throwable failure = catchThrowable(() -> builder(Meter.AUTHENTICATED_ONLY, COUNTER.addAndGet(1_000), raw)
                .build().close());

        Ciphered request = Ciphered.parse(Acse.userInformation(apdusFrom(raw, MessageSource.CLIENT).get(0)));
        assertThat(request.securityControl()).isEqualTo(DlmsCoreReadsJdlmsHlsGmacServerTest.SC_AUTHENTICATED);
        assertThat(HEX.formatHex(request.body())).doesNotStartWith("0100000006"); // not in clear
        assertJdlmsCannotReadTheExceptionResponse(failure, raw);
    }

    /**
     * The simulator accepts jDLMS's encrypted-only AARQ (which follows the Green Book) and answers with an
     * encrypted-only AARE: ciphertext, no tag. jDLMS deciphers it expecting a tag and fails.
     */
    @Test
    void encryptedOnlyAareCannotBeReadByJdlms() throws Exception {
        Meter m = Meter.ENCRYPTED_ONLY;
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();

        Throwable failure = catchThrowable(() -> builder(m, COUNTER.addAndGet(1_000), raw).build().close());

        byte[] aare = apdusFrom(raw, MessageSource.SERVER).get(0);
        assertThat(HEX.formatHex(aare)).contains(DlmsCoreReadsJdlmsHlsGmacServerTest.CONTEXT_LN_WITH_CIPHERING,
                DlmsCoreReadsJdlmsHlsGmacServerTest.RESULT_ACCEPTED);
        Ciphered response = Ciphered.parse(Acse.userInformation(aare));
        assertThat(response.securityControl()).isEqualTo(DlmsCoreReadsJdlmsHlsGmacServerTest.SC_ENCRYPTED);
        byte[] initiateResponse = GreenBookGcm.decryptOnly(m.keys().blockCipherKey(),
                GreenBookGcm.iv(m.keys().systemTitle(), response.invocationCounter()), response.body());
        assertThat(HEX.formatHex(initiateResponse)).startsWith("080006");
        assertThat(response.body()).hasSameSizeAs(initiateResponse); // no tag
        assertJdlmsCannotDecipher(failure);
    }

    // ---------------------------------------------------------------- incompatibility 8, from jDLMS's client

    /**
     * Suite 2 with HLS-GMAC: jDLMS's AES-GCM-256 AARQ says suite 1 (SC 0x31), and its tag is right for that SC
     * under the meter's 32-byte keys. Bits 0-3 of the SC are the suite id, so a suite-2 meter cannot decipher it:
     * the simulator checks the suite (it used to accept the AARQ, as Gurux does not compare the suite id with its
     * own) and refuses with exception-response D8 02 05, which jDLMS cannot read (incompatibility 9).
     */
    @Test
    void suite2AarqIsRefusedBecauseJdlmsCallsAes256Suite1() throws Exception {
        Meter m = Meter.SUITE_2;
        List<RawMessageData> raw = new CopyOnWriteArrayList<>();

        Throwable failure = catchThrowable(() -> builder(m, COUNTER.addAndGet(1_000), raw).build().close());

        Ciphered request = Ciphered.parse(Acse.userInformation(apdusFrom(raw, MessageSource.CLIENT).get(0)));
        assertThat(request.securityControl()).isEqualTo(DlmsCoreReadsJdlmsHlsGmacServerTest.SC_JDLMS_AES_256);
        byte[] iv = GreenBookGcm.iv(MeterKeys.HEAD_END_SYSTEM_TITLE, request.invocationCounter());
        // key and tag are right for 0x31: only the suite id is not the meter's
        assertThat(HEX.formatHex(GreenBookGcm.decrypt(m.keys().blockCipherKey(), iv,
                DlmsCoreReadsJdlmsHlsGmacServerTest.SC_JDLMS_AES_256, m.keys().authenticationKey(), request.body())))
                .startsWith("0100000006");
        assertJdlmsCannotReadTheExceptionResponse(failure, raw);
    }

    static void assertJdlmsCannotDecipher(Throwable failure) {
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("Unable to decipher/decrypt xDLMS pdu");
        assertThat(failure.getCause()).hasMessage("mac check in GCM failed");
        assertThat(failure.getCause().getClass().getName())
                .isEqualTo("org.bouncycastle.crypto.InvalidCipherTextException");
    }
}
