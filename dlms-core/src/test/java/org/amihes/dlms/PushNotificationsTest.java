package org.amihes.dlms;

import static org.amihes.dlms.SimulatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.GXSimpleEntry;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.objects.GXDLMSCaptureObject;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSPushSetup;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.secure.GXDLMSSecureNotify;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Notifications a meter sends unasked (IEC 62056-5-3 DataNotification, tag 0x0F; EventNotification, tag 0xC2): typed
 * from the specification as hex and decoded by {@link PushDecoder}, ciphered ones as Gurux's own notifier
 * (an independent encoder) builds them; and inside a session ({@link DlmsSession} no longer drops them).
 */
@Timeout(60)
class PushNotificationsTest extends ScriptedPeerTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();

    /**
     * Wrapper (meter wPort 1 to the push client 102 = 0x66, or in a session to its client) around data-notification: 0F, long-invoke-id-and-priority
     * 00000001, date-time absent (00), notification-body = structure of 2: octet-string(6) 0.0.25.9.0.255 (the push
     * setup's logical name), double-long-unsigned 12346.
     */
    static final byte[] DATA_NOTIFICATION = dataNotification("0066");

    static byte[] dataNotification(String client) {
        return HEX.parseHex("0001" + "0001" + client + "0015"
                + "0F" + "00000001" + "00" + "0202" + "0906" + "0000190900FF" + "06" + "0000303A");
    }

    /**
     * event-notification-request: C2, time present (01) as octet-string of 12 (2026-06-15 08:00:00, deviation and
     * status not specified), cosem-attribute-descriptor class 1 (0001), 0.0.96.11.0.255, attribute 2, data unsigned 1.
     */
    static final byte[] EVENT_NOTIFICATION = eventNotification("0066");

    static byte[] eventNotification(String client) {
        return HEX.parseHex("0001" + "0001" + client + "001A"
                + "C2" + "01" + "0C" + "07EA060FFF080000FF800000" + "0001" + "0000600B00FF" + "02" + "1101");
    }

    @Test
    void aDataNotificationFromTheSpecDecodes() {
        PushDecoder.Envelope envelope = PushDecoder.envelope(DATA_NOTIFICATION);
        assertThat(envelope.framing()).isEqualTo(InterfaceType.WRAPPER);
        assertThat(envelope.source()).isEqualTo(1);
        assertThat(envelope.destination()).isEqualTo(102);
        assertThat(envelope.ciphered()).isFalse();

        Notification n = PushDecoder.decode(DATA_NOTIFICATION, null);
        assertThat(n.kind()).isEqualTo(Notification.Kind.DATA_NOTIFICATION);
        assertThat(n.time()).isNull();
        assertThat(n.values()).hasSize(2);
        assertThat((byte[]) n.values().get(0)).containsExactly(0, 0, 25, 9, 0, 255);
        assertThat(((Number) n.values().get(1)).longValue()).isEqualTo(12346);
    }

    @Test
    void anEventNotificationFromTheSpecDecodesWithItsAttribute() {
        Notification n = PushDecoder.decode(EVENT_NOTIFICATION, null);
        assertThat(n.kind()).isEqualTo(Notification.Kind.EVENT_NOTIFICATION);
        assertThat(n.attribute()).isEqualTo(new Notification.Attribute(1, "0.0.96.11.0.255", 2));
        assertThat(n.values()).hasSize(1);
        assertThat(((Number) n.values().get(0)).intValue()).isEqualTo(1);
        assertThat(n.time()).isEqualTo(Instant.parse("2026-06-15T08:00:00Z"));
    }

    @Test
    void framesAreFoundInAStreamAndGarbageIsRefused() {
        byte[] stream = new byte[DATA_NOTIFICATION.length + 5];
        System.arraycopy(DATA_NOTIFICATION, 0, stream, 0, DATA_NOTIFICATION.length);
        System.arraycopy(DATA_NOTIFICATION, 0, stream, DATA_NOTIFICATION.length, 5);
        assertThat(PushDecoder.frameLength(stream, 0, stream.length)).isEqualTo(DATA_NOTIFICATION.length);
        assertThat(PushDecoder.frameLength(stream, DATA_NOTIFICATION.length, stream.length)).isEqualTo(-1);
        assertThatThrownBy(() -> PushDecoder.frameLength(HEX.parseHex("474554202F20"), 0, 6))
                .isInstanceOf(DlmsException.class).extracting(e -> ((DlmsException) e).code())
                .isEqualTo(FailureCode.MALFORMED_PDU);
        assertThatThrownBy(() -> PushDecoder.decode(HEX.parseHex("0001000100660004C4010100"), null))
                .isInstanceOf(DlmsException.class).extracting(e -> ((DlmsException) e).code())
                .isEqualTo(FailureCode.UNEXPECTED_PDU);
    }

    static final byte[] TITLE = HEX.parseHex("4155520000989681");
    static final byte[] KEY = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    static final byte[] AUTH = HEX.parseHex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF");

    /** A push setup with a register (value and scaler_unit), as Gurux's notifier ciphers it with the meter's keys. */
    static byte[] cipheredPush(long invocationCounter) throws Exception {
        GXDLMSSecureNotify notify = new GXDLMSSecureNotify(true, 102, 1, InterfaceType.WRAPPER);
        notify.getCiphering().setSecuritySuite(SecuritySuite.SUITE_0);
        notify.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
        notify.getCiphering().setSystemTitle(TITLE);
        notify.getCiphering().setBlockCipherKey(KEY);
        notify.getCiphering().setAuthenticationKey(AUTH);
        notify.getCiphering().setInvocationCounter(invocationCounter);
        GXDLMSPushSetup push = new GXDLMSPushSetup("0.0.25.9.0.255");
        GXDLMSRegister energy = new GXDLMSRegister("1.0.1.8.0.255");
        energy.setScaler(10);
        energy.setUnit(gurux.dlms.enums.Unit.ACTIVE_ENERGY);
        energy.setDataType(2, DataType.UINT32);
        energy.setValue(4711L);
        push.getPushObjectList().add(new GXSimpleEntry<>(push, new GXDLMSCaptureObject(1, 0)));
        push.getPushObjectList().add(new GXSimpleEntry<>(energy, new GXDLMSCaptureObject(2, 0)));
        push.getPushObjectList().add(new GXSimpleEntry<>(energy, new GXDLMSCaptureObject(3, 0)));
        byte[][] frames = notify.generatePushSetupMessages(Date.from(Instant.parse("2026-06-15T08:00:00Z")), push);
        assertThat(frames.length).isEqualTo(1);
        return frames[0];
    }

    @Test
    void aCipheredPushDeciphersWithTheMetersKeysOnly() throws Exception {
        byte[] frame = cipheredPush(77);
        PushDecoder.Envelope envelope = PushDecoder.envelope(frame);
        assertThat(envelope.ciphered()).isTrue();
        assertThat(envelope.systemTitle()).containsExactly(TITLE);
        assertThat(envelope.invocationCounter()).isEqualTo(77);

        Notification n = PushDecoder.decode(frame, new PushDecoder.Keys(0, KEY, AUTH));
        assertThat(n.ciphered()).isTrue();
        assertThat(n.kind()).isEqualTo(Notification.Kind.DATA_NOTIFICATION);
        assertThat(n.values()).hasSize(3);
        assertThat(((Number) n.values().get(1)).longValue()).isEqualTo(4711);
        assertThat(n.values().get(2)).asList().hasSize(2);
        assertThat(n.time()).isEqualTo(Instant.parse("2026-06-15T08:00:00Z"));

        byte[] wrongKey = KEY.clone();
        wrongKey[0] ^= 1;
        DlmsException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> PushDecoder.decode(frame, new PushDecoder.Keys(0, wrongKey, AUTH)), DlmsException.class);
        assertThat(e.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
        assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        DlmsException noKeys = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> PushDecoder.decode(frame, null), DlmsException.class);
        assertThat(noKeys.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
    }

    @Test
    void theSendersSystemTitleIsReadFromGeneralGloAndGeneralDedCiphering() throws Exception {
        byte[] glo = cipheredPush(78);
        assertThat(glo[8] & 0xFF).as("general-glo-ciphering after the 8-byte wrapper header").isEqualTo(0xDB);
        // general-ded-ciphering [220] is built the same (IEC 62056-5-3: system-title, then ciphered-content)
        byte[] ded = glo.clone();
        ded[8] = (byte) 0xDC;
        PushDecoder.Envelope envelope = PushDecoder.envelope(ded);
        assertThat(envelope.apduTag()).isEqualTo(0xDC);
        assertThat(envelope.ciphered()).isTrue();
        assertThat(envelope.systemTitle()).containsExactly(TITLE);
        assertThat(envelope.invocationCounter()).isEqualTo(78);
        assertThat(PushDecoder.envelope(glo).systemTitleHex()).isEqualTo(HexFormat.of().formatHex(TITLE));
    }

    @Test
    void aGeneralDedCipheredPushOutsideAnAssociationIsRefusedAsNotDecipherable() throws Exception {
        byte[] ded = cipheredPush(79);
        ded[8] = (byte) 0xDC;
        // the global keys would open these bytes (the tag is outside the GCM authenticated data): refused for what it
        // claims to be, not deciphered with keys it does not name
        DlmsException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> PushDecoder.decode(ded, new PushDecoder.Keys(0, KEY, AUTH)), DlmsException.class);
        assertThat(e.code()).isEqualTo(FailureCode.DECIPHERING_FAILED);
        assertThat(e.failureClass()).isEqualTo(FailureClass.SECURITY);
        assertThat(e.getMessage()).contains("general-ded-ciphering").contains("only inside the association");
    }

    /** get-response-normal (C4 01), invoke-id C1, data: double-long-unsigned 100. */
    static final byte[] GET_RESPONSE = HEX.parseHex("0001" + "0001" + "0010" + "0009" + "C401C100" + "0600000064");

    @Test
    void aSessionHandsOnNotificationsInterleavedWithAnAnswerAndAfterIt() throws Exception {
        List<ScriptedMeter.Step> script = List.of(
                new ScriptedMeter.Answer(AareContextNameTest.acceptedAare(AareContextNameTest.CONTEXT_LN)),
                new ScriptedMeter.Answer(concat(dataNotification("0010"), GET_RESPONSE)),
                new ScriptedMeter.Answer(concat(GET_RESPONSE, eventNotification("0010"))));
        try (ScriptedMeter meter = await(ScriptedMeter.start(vertx, script))) {
            DlmsSession session = await(meter.openPublic(vertx, transports));
            List<Notification> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            session.onNotification(seen::add);

            Object first = await(session.read(new GXDLMSData("0.0.96.1.0.255"), 2));
            assertThat(((Number) first).longValue()).as("the answer, not the notification before it").isEqualTo(100);
            Object second = await(session.read(new GXDLMSData("0.0.96.1.0.255"), 2));
            assertThat(((Number) second).longValue()).isEqualTo(100);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(seen).extracting(Notification::kind).containsExactly(Notification.Kind.DATA_NOTIFICATION,
                    Notification.Kind.EVENT_NOTIFICATION);
            assertThat(((Number) seen.get(0).values().get(1)).longValue()).isEqualTo(12346);
            assertThat(seen.get(1).attribute().logicalName()).isEqualTo("0.0.96.11.0.255");
            await(session.close());
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
