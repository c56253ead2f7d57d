package org.amihes.dlms;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDateTime;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.Command;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.secure.GXDLMSSecureClient;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/**
 * Decodes what a meter pushes (DataNotification, EventNotification, plain or ciphered) from one whole frame, sans I/O:
 * the frame's framing is told by its first bytes (wrapper version 1 or an HDLC flag). {@link #envelope} reads what can
 * be known without keys (addresses, whether ciphered, the sender's system title); {@link #decode} deciphers with the
 * meter's keys and decodes. Gurux builds nothing here: a fresh Gurux client per frame (about a microsecond) parses it.
 */
public final class PushDecoder {

    /** The largest frame accepted: a wrapper's length field allows 64 KiB; a push beyond that is not a push. */
    public static final int MAX_FRAME = 8 + 0xFFFF;

    /** The keys of the meter that sent a ciphered notification. Never shown by {@link #toString()}. */
    public record Keys(int suite, byte[] blockCipherKey, byte[] authenticationKey) {
        @Override
        public String toString() {
            return "Keys[suite " + suite + "]";
        }
    }

    /**
     * What a frame says without keys.
     *
     * @param source            the sender's address (wrapper port or HDLC server address): the meter's logical device
     * @param destination       the addressed client (the push client SAP)
     * @param apduTag           the first byte of the APDU
     * @param systemTitle       the sender's system title (general-glo- or general-ded-ciphering), null when none
     * @param invocationCounter of a ciphered APDU, -1 otherwise
     */
    public record Envelope(InterfaceType framing, int source, int destination, int apduTag, boolean ciphered,
                           byte[] systemTitle, long invocationCounter) {
        public String systemTitleHex() {
            return systemTitle == null ? null : HexFormat.of().formatHex(systemTitle);
        }
    }

    private static final int DATA_NOTIFICATION = 0x0F;
    private static final int EVENT_NOTIFICATION = 0xC2;
    private static final int GLO_EVENT_NOTIFICATION = 0xCA;
    private static final int GENERAL_GLO_CIPHERING = 0xDB;
    private static final int GENERAL_DED_CIPHERING = 0xDC;

    private PushDecoder() {
    }

    /** The framing a stream or datagram starting with {@code b[from]} uses; null when it starts no known frame. */
    public static InterfaceType framingAt(byte[] b, int from, int end) {
        if (end - from >= 2 && b[from] == 0 && b[from + 1] == 1) {
            return InterfaceType.WRAPPER;
        }
        return end - from >= 1 && (b[from] & 0xFF) == 0x7E ? InterfaceType.HDLC : null;
    }

    /**
     * Length of the whole frame starting at {@code from}, or -1 while it is not whole yet.
     *
     * @throws DlmsException MALFORMED_PDU when the bytes start no wrapper or HDLC frame (a stream that cannot be resynchronised)
     */
    public static int frameLength(byte[] b, int from, int end) {
        if (end - from < 2) {
            return -1;
        }
        InterfaceType framing = framingAt(b, from, end);
        if (framing == null) {
            throw new DlmsException(FailureCode.MALFORMED_PDU, "not a wrapper or HDLC frame: starts with "
                    + HexFormat.of().formatHex(b, from, Math.min(end, from + 8)));
        }
        if (framing == InterfaceType.HDLC && end - from >= 3 && (b[from + 1] & 0xF0) != 0xA0) {
            throw new DlmsException(FailureCode.MALFORMED_PDU, "HDLC frame format type is not 0xA: "
                    + HexFormat.of().formatHex(b, from, Math.min(end, from + 8)));
        }
        return Apdus.frameLength(b, from, end, framing);
    }

    /** Reads the addresses and the security header of one whole frame. */
    public static Envelope envelope(byte[] frame) {
        InterfaceType framing = framingAt(frame, 0, frame.length);
        int length = framing == null ? -1 : Apdus.frameLength(frame, 0, frame.length, framing);
        if (length != frame.length) {
            throw malformed("not one whole frame (" + frame.length + " bytes)", frame);
        }
        int source;
        int destination;
        if (framing == InterfaceType.WRAPPER) {
            source = (frame[2] & 0xFF) << 8 | (frame[3] & 0xFF);
            destination = (frame[4] & 0xFF) << 8 | (frame[5] & 0xFF);
        } else {
            int[] dest = hdlcAddress(frame, 3, length);
            int[] src = dest == null ? null : hdlcAddress(frame, dest[1], length);
            if (src == null) {
                throw malformed("HDLC addresses unreadable", frame);
            }
            destination = dest[0];
            source = src[0];
        }
        int start = apduStart(frame, framing, length);
        if (start < 0 || start >= length) {
            throw malformed("no APDU in the frame", frame);
        }
        int tag = frame[start] & 0xFF;
        int end = length - (framing == InterfaceType.HDLC ? 3 : 0);
        Apdus.CipherHeader cipher = Apdus.cipherHeader(frame, start, end);
        byte[] title = null;
        if ((tag == GENERAL_GLO_CIPHERING || tag == GENERAL_DED_CIPHERING) && start + 2 < end) {
            int titleLength = frame[start + 1] & 0xFF;
            if (titleLength > 0 && start + 2 + titleLength <= end) {
                title = Arrays.copyOfRange(frame, start + 2, start + 2 + titleLength);
            }
        }
        return new Envelope(framing, source, destination, tag, cipher != null, title,
                cipher == null ? -1 : cipher.invocationCounter());
    }

    /**
     * Decodes one whole frame into a notification, deciphering it with {@code keys} when it is ciphered.
     *
     * @param keys null for a plain notification
     * @throws DlmsException DECIPHERING_FAILED (SECURITY) for a ciphered frame without keys or whose keys do not fit;
     *                       UNEXPECTED_PDU for a frame that is not a notification; MALFORMED_PDU for one that does not parse
     */
    public static Notification decode(byte[] frame, Keys keys) {
        Envelope env = envelope(frame);
        if (env.ciphered() && keys == null) {
            throw new DlmsException(FailureCode.DECIPHERING_FAILED, "a ciphered notification (tag 0x"
                    + Integer.toHexString(env.apduTag()) + ") and no keys for its sender", List.of(hex(frame)), null);
        }
        if (env.apduTag() == GENERAL_DED_CIPHERING) {
            // the dedicated key is agreed in an AARQ and lives as long as that association: a push outside one cannot
            // be deciphered by anyone, whatever global keys fit (a session deciphers its own: DlmsSession)
            throw new DlmsException(FailureCode.DECIPHERING_FAILED, "a general-ded-ciphering notification outside an "
                    + "association: its dedicated key exists only inside the association that agreed it",
                    List.of(hex(frame)), null);
        }
        if (!env.ciphered() && env.apduTag() != DATA_NOTIFICATION && env.apduTag() != EVENT_NOTIFICATION) {
            throw new DlmsException(FailureCode.UNEXPECTED_PDU, "not a notification: APDU tag 0x"
                    + Integer.toHexString(env.apduTag()), List.of(hex(frame)), null);
        }
        if (env.apduTag() == EVENT_NOTIFICATION) {
            return plainEvent(frame, env);
        }
        GXDLMSSecureClient client = new GXDLMSSecureClient(true, env.destination(), env.source(), Authentication.NONE,
                (String) null, env.framing());
        if (env.ciphered()) {
            client.getCiphering().setSecuritySuite(SecuritySuite.forValue(keys.suite()));
            client.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
            client.getCiphering().setBlockCipherKey(keys.blockCipherKey());
            client.getCiphering().setAuthenticationKey(keys.authenticationKey());
        }
        GXReplyData reply = new GXReplyData();
        GXReplyData notify = new GXReplyData();
        try {
            client.getData(new GXByteBuffer(frame), reply, notify);
        } catch (Exception e) {
            if (env.ciphered()) {
                throw new DlmsException(FailureCode.DECIPHERING_FAILED, "the notification does not decipher with the "
                        + "meter's keys (" + e.getMessage() + ")", List.of(hex(frame)), e);
            }
            throw new DlmsException(FailureCode.MALFORMED_PDU, "the notification does not parse: " + e,
                    List.of(hex(frame)), e);
        }
        Notification n = notification(notify, frame, env);
        if (n == null) {
            throw new DlmsException(FailureCode.UNEXPECTED_PDU, "not a notification: command 0x"
                    + Integer.toHexString(notify.getCommand()), List.of(hex(frame)), null);
        }
        return n;
    }

    /**
     * The notification Gurux parsed into {@code notify} (e.g. one interleaved with an answer in a session), null when
     * {@code notify} holds none.
     *
     * @param frame the frame it came in, to read the envelope and an EventNotification's attribute; may be null
     */
    static Notification notification(GXReplyData notify, byte[] frame, Envelope env) {
        if (env != null && env.apduTag() == EVENT_NOTIFICATION) {
            return plainEvent(frame, env); // Gurux keeps an event's value only in objects it knows: read it here
        }
        int command = notify.getCommand();
        Notification.Kind kind;
        if (command == Command.DATA_NOTIFICATION) {
            kind = Notification.Kind.DATA_NOTIFICATION;
        } else if (command == Command.EVENT_NOTIFICATION || command == GLO_EVENT_NOTIFICATION) {
            kind = Notification.Kind.EVENT_NOTIFICATION;
        } else {
            return null;
        }
        Object value = notify.getValue();
        List<Object> values = value instanceof List<?> list && kind == Notification.Kind.DATA_NOTIFICATION
                ? new java.util.ArrayList<>(list) : new java.util.ArrayList<>(java.util.Collections.singletonList(value));
        // a ciphered EventNotification: its attribute descriptor is inside the ciphertext, which Gurux does not hand out
        return new Notification(kind, env != null && env.ciphered(), env == null ? null : env.systemTitle(),
                env == null ? -1 : env.invocationCounter(), instant(notify.getTime()), values, null);
    }

    /** Whether an APDU tag may carry a notification (plain, glo-event-notification, general-glo-ciphering). */
    static boolean mayBeNotification(int tag) {
        return tag == DATA_NOTIFICATION || tag == EVENT_NOTIFICATION || tag == GLO_EVENT_NOTIFICATION
                || tag == GENERAL_GLO_CIPHERING;
    }

    /**
     * A plain event-notification-request: C2, time OPTIONAL (flag, then an octet-string of 12), class id (2 bytes),
     * logical name (6), attribute index (1), the attribute's value (A-XDR data).
     */
    static Notification plainEvent(byte[] frame, Envelope env) {
        int end = frame.length - (env.framing() == InterfaceType.HDLC ? 3 : 0);
        int p = apduStart(frame, env.framing(), frame.length) + 1;
        try {
            Instant time = null;
            if (frame[p] != 0) {
                int length = frame[p + 1] & 0xFF;
                time = instant((GXDateTime) gurux.dlms.GXDLMSClient.changeType(
                        Arrays.copyOfRange(frame, p + 2, p + 2 + length), gurux.dlms.enums.DataType.DATETIME));
                p += 2 + length;
            } else {
                p += 1;
            }
            if (p + 9 >= end) {
                throw malformed("event-notification-request too short", frame);
            }
            int classId = (frame[p] & 0xFF) << 8 | (frame[p + 1] & 0xFF);
            String ln = (frame[p + 2] & 0xFF) + "." + (frame[p + 3] & 0xFF) + "." + (frame[p + 4] & 0xFF) + "."
                    + (frame[p + 5] & 0xFF) + "." + (frame[p + 6] & 0xFF) + "." + (frame[p + 7] & 0xFF);
            int index = frame[p + 8] & 0xFF;
            GXByteBuffer data = new GXByteBuffer(Arrays.copyOfRange(frame, p + 9, end));
            Object value = gurux.dlms.internal.GXCommon.getData(new Settings().settings(), data,
                    new gurux.dlms.internal.GXDataInfo());
            return new Notification(Notification.Kind.EVENT_NOTIFICATION, false, null, -1, time,
                    java.util.Collections.singletonList(value), new Notification.Attribute(classId, ln, index));
        } catch (DlmsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw malformed("event-notification-request does not parse: " + e, frame);
        }
    }

    /** Gurux's settings (the A-XDR decoder wants them), from a client made for the purpose. */
    private static final class Settings extends GXDLMSSecureClient {
        gurux.dlms.GXDLMSSettings settings() {
            return getSettings();
        }
    }

    private static int apduStart(byte[] frame, InterfaceType framing, int length) {
        if (framing == InterfaceType.WRAPPER) {
            return length > 8 ? 8 : -1;
        }
        // HDLC: I-frames carry the LLC header (E6 E7 00); a pushed UI frame may carry it or not
        int[] dest = hdlcAddress(frame, 3, length);
        int[] src = dest == null ? null : hdlcAddress(frame, dest[1], length);
        if (src == null) {
            return -1;
        }
        int p = src[1] + 1; // control
        if (length - p > 2 + 3) {
            p += 2; // HCS
        }
        if (p + 3 < length && (frame[p] & 0xFF) == 0xE6 && (frame[p + 1] & 0xFF) == 0xE7 && frame[p + 2] == 0) {
            p += 3;
        }
        return p;
    }

    /** An HDLC address at {@code p} (bytes until one with bit 0 set): {value as Gurux numbers it, next offset}. */
    private static int[] hdlcAddress(byte[] b, int p, int end) {
        int start = p;
        while (p < end && (b[p] & 1) == 0) {
            p++;
        }
        if (p >= end) {
            return null;
        }
        int count = p - start + 1;
        int value;
        if (count == 1) {
            value = (b[start] & 0xFF) >> 1;
        } else if (count == 2) {
            value = ((b[start] & 0xFF) >> 1) << 7 | (b[start + 1] & 0xFF) >> 1;
        } else if (count == 4) {
            int upper = ((b[start] & 0xFF) >> 1) << 7 | (b[start + 1] & 0xFF) >> 1;
            int lower = ((b[start + 2] & 0xFF) >> 1) << 7 | (b[start + 3] & 0xFF) >> 1;
            value = upper << 14 | lower;
        } else {
            return null;
        }
        return new int[] {value, p + 1};
    }

    private static Instant instant(GXDateTime time) {
        return time == null || time.getValue() == null ? null : time.getValue().toInstant();
    }

    private static DlmsException malformed(String detail, byte[] frame) {
        return new DlmsException(FailureCode.MALFORMED_PDU, detail, List.of(hex(frame)), null);
    }

    private static String hex(byte[] frame) {
        return HexFormat.of().formatHex(frame, 0, Math.min(frame.length, 4096));
    }
}
