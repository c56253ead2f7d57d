package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.amihes.dlms.SimulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.SecuritySettings.SecurityPolicy;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 3: after a deciphering refusal the diagnosis reads our client's security setup and frame counter,
 * not fixed objects. A scripted loopback peer refuses the ciphered AARQ of client 1 (connection 1), then answers the
 * public association (connection 2) as a meter with one security setup per association: its association objects
 * 0.0.40.0.1.255 (client 16) and 0.0.40.0.2.255 (client 1), the latter referencing security setup 0.0.43.0.2.255,
 * whose frame counter is 0.0.43.1.2.255. All answers are typed from the Green Book encodings below.
 */
class SecurityObjectsDiagnosisTest extends ScriptedPeerTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    static final long OURS = 1_000;

    /** Wrapper (logical device 1 to client {@code client}) around {@code apdu}. */
    static byte[] wrapped(int client, String apdu) {
        return HEX.parseHex("0001" + "0001" + String.format("%04X", client) + String.format("%04X", apdu.length() / 2)
                + apdu);
    }

    /** Exception-response (D8): state-error service-unknown (2), service-error deciphering-error (5). */
    static final ScriptedMeter.Step UNDECIPHERABLE = new ScriptedMeter.Answer(wrapped(1, "D80205"));

    /** get-response-normal (C4 01), invoke-id C1, Get-Data-Result choice data (00) followed by the value. */
    static ScriptedMeter.Step value(String data) {
        return new ScriptedMeter.Answer(wrapped(16, "C401C100" + data));
    }

    /** get-response-normal with Get-Data-Result choice data-access-result (01) and the result. */
    static ScriptedMeter.Step refused(int dataAccessResult) {
        return new ScriptedMeter.Answer(wrapped(16, "C401C101" + String.format("%02X", dataAccessResult)));
    }

    /** associated_partners_id: structure (02) of 2: client_SAP integer (0F), server_SAP long-unsigned (12) 1. */
    static ScriptedMeter.Step partners(int clientSap) {
        return value("0202" + "0F" + String.format("%02X", clientSap) + "120001");
    }

    /** security_setup_reference: octet-string (09) of 6, the logical name 0.0.43.0.2.255. */
    static final ScriptedMeter.Step REFERENCE_TO_SETUP_2 = value("0906" + "00002B0002FF");
    /** security_suite: enum (16). */
    static ScriptedMeter.Step suite(int suite) {
        return value("16" + String.format("%02X", suite));
    }

    /** The frame counter's value: double-long-unsigned (06). */
    static ScriptedMeter.Step counter(long counter) {
        return value("06" + String.format("%08X", counter));
    }

    static final ScriptedMeter.Step AARE = new ScriptedMeter.Answer(
            AareContextNameTest.acceptedAare(AareContextNameTest.CONTEXT_LN));
    /** RLRE (63), reason [0] normal (80 01 00). */
    static final ScriptedMeter.Step RLRE = new ScriptedMeter.Answer(wrapped(16, "6303800100"));
    /** data-access-result values (Green Book): read-write-denied, object-undefined */
    static final int READ_WRITE_DENIED = 3;
    static final int OBJECT_UNDEFINED = 4;

    /** get-request-normal (C0 01 C1) for class {@code classId}, {@code ln} (hex), attribute, no selective access. */
    static String getRequest(int classId, String ln, int attribute) {
        return "C001C1" + String.format("%04X", classId) + ln + String.format("%02X", attribute) + "00";
    }

    private static SessionSettings hlsGmac(int port, SecurityObjects objects) {
        byte[] key = new byte[16];
        SecuritySettings security = new SecuritySettings(0, SecurityPolicy.AUTHENTICATED_ENCRYPTED,
                "HES00001".getBytes(StandardCharsets.US_ASCII), key, key, null, OURS, null, null, null, objects);
        return new SessionSettings("127.0.0.1", port, TransportKind.TCP_WRAPPER, 1, 1, AuthenticationLevel.HIGH_GMAC,
                null, Duration.ofSeconds(2), SessionSettings.DEFAULT_MAX_PDU, security);
    }

    private static DlmsException diagnosed(ScriptedMeter meter, SecurityObjects objects) {
        SessionSettings settings = hlsGmac(meter.port(), objects);
        return failure(AssociationDiagnosis.open(vertx, vertx.getOrCreateContext(),
                transports.forKind(settings.transport()), settings));
    }

    private static List<String> sent(ScriptedMeter meter) {
        return meter.received().stream().map(HEX::formatHex).toList();
    }

    @Test
    void theSuiteComesFromTheSecuritySetupOurAssociationReferences() throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.perConnection(vertx, List.of(List.of(UNDECIPHERABLE),
                List.of(AARE, partners(16), partners(1), REFERENCE_TO_SETUP_2, suite(1), counter(500), RLRE))))) {
            DlmsException e = diagnosed(meter, SecurityObjects.FIND_ON_METER);

            assertThat(e.code()).isEqualTo(FailureCode.SECURITY_SUITE_MISMATCH);
            assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
            assertThat(e.detail()).isEqualTo("the meter's security setup 0.0.43.0.2.255 (referenced by association "
                    + "0.0.40.0.2.255 of client 1) uses suite 1, the registry says suite 0: update the meter's "
                    + "security profile");
            // what was read: partners of 0.0.40.0.1.255 and 0.0.40.0.2.255 (class 15, attribute 3), the reference
            // (attribute 9), the suite of 0.0.43.0.2.255 (class 64, attribute 3); never the fixed 0.0.43.0.0.255
            assertThat(sent(meter)).anySatisfy(f -> assertThat(f).endsWith(getRequest(15, "0000280001FF", 3)))
                    .anySatisfy(f -> assertThat(f).endsWith(getRequest(15, "0000280002FF", 3)))
                    .anySatisfy(f -> assertThat(f).endsWith(getRequest(15, "0000280002FF", 9)))
                    .anySatisfy(f -> assertThat(f).endsWith(getRequest(64, "00002B0002FF", 3)))
                    .noneSatisfy(f -> assertThat(f).contains("00002B0000FF"));
        }
    }

    @Test
    void theFrameCounterIsTheOneOfThatSecuritySetup() throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.perConnection(vertx, List.of(List.of(UNDECIPHERABLE),
                List.of(AARE, partners(16), partners(1), REFERENCE_TO_SETUP_2, suite(0), counter(500), RLRE))))) {
            DlmsException e = diagnosed(meter, SecurityObjects.FIND_ON_METER);

            assertThat(e.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
            assertThat(e.detail()).isEqualTo("the meter cannot decipher the AARQ; suite 0 matches the meter's "
                    + "security setup 0.0.43.0.2.255 (referenced by association 0.0.40.0.2.255 of client 1); the "
                    + "invocation counter 1000 is above the meter's frame counter 0.0.43.1.2.255 (500): wrong key "
                    + "likely");
            // the frame counter read: class 1 (Data), 0.0.43.1.2.255, attribute 2
            assertThat(sent(meter)).anySatisfy(f -> assertThat(f).endsWith(getRequest(1, "00002B0102FF", 2)));
        }
    }

    @Test
    void objectsThatCouldNotBeReadAreSaidToBeUnchecked() throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.perConnection(vertx, List.of(List.of(UNDECIPHERABLE),
                List.of(AARE, partners(16), partners(1), REFERENCE_TO_SETUP_2, refused(READ_WRITE_DENIED),
                        refused(OBJECT_UNDEFINED), RLRE))))) {
            DlmsException e = diagnosed(meter, SecurityObjects.FIND_ON_METER);

            assertThat(e.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
            assertThat(e.detail()).startsWith("the meter cannot decipher the AARQ; the security suite was not checked: "
                    + "security setup 0.0.43.0.2.255 attribute 3 not read (DLMS-403: Access denied")
                    .contains("; the invocation counter was not checked: frame counter 0.0.43.1.2.255 attribute 2 "
                            + "not read (DLMS-201: Object undefined")
                    .endsWith(": a wrong key, another security suite or a stale invocation counter, not told apart")
                    .doesNotContain("matches", "null", "wrong key likely");
        }
    }

    @Test
    void noAssociationForOurClientMeansNothingWasChecked() throws Exception {
        try (ScriptedMeter meter = await(ScriptedMeter.perConnection(vertx, List.of(List.of(UNDECIPHERABLE),
                List.of(AARE, partners(16), refused(OBJECT_UNDEFINED), RLRE))))) {
            DlmsException e = diagnosed(meter, SecurityObjects.FIND_ON_METER);

            assertThat(e.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
            assertThat(e.detail()).isEqualTo("the meter cannot decipher the AARQ; the security suite was not checked: "
                    + "no association object from 0.0.40.0.1.255 on names client 1 (0.0.40.0.2.255 is undefined); "
                    + "the invocation counter was not checked: its OBIS code follows from the security setup, which "
                    + "was not found: a wrong key, another security suite or a stale invocation counter, not told "
                    + "apart");
            // nothing was read after the search: no GET of a security setup (class 64) or a Data object (class 1)
            assertThat(sent(meter)).noneSatisfy(f -> assertThat(f).containsAnyOf("C001C10040", "C001C10001"));
        }
    }

    @Test
    void configuredObjectsAreReadAsConfigured() throws Exception {
        // security setup 0.0.43.0.5.255 and frame counter 0.0.43.1.7.255 from the settings: no association is read;
        // the counter (2000) is at or above ours, so the association is tried once more with 2001 (connection 3)
        try (ScriptedMeter meter = await(ScriptedMeter.perConnection(vertx, List.of(List.of(UNDECIPHERABLE),
                List.of(AARE, suite(0), counter(2_000), RLRE), List.of(UNDECIPHERABLE))))) {
            DlmsException e = diagnosed(meter, new SecurityObjects(null, "0.0.43.0.5.255", "0.0.43.1.7.255"));

            assertThat(e.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
            assertThat(e.detail()).isEqualTo("still refused after resynchronising the invocation counter from 1000 to "
                    + "2001 (the meter's frame counter 0.0.43.1.7.255): wrong key likely");
            assertThat(sent(meter)).anySatisfy(f -> assertThat(f).endsWith(getRequest(64, "00002B0005FF", 3)))
                    .anySatisfy(f -> assertThat(f).endsWith(getRequest(1, "00002B0107FF", 2)))
                    .noneSatisfy(f -> assertThat(f).contains("C001C1000F")); // no GET of an association object
        }
    }
}
