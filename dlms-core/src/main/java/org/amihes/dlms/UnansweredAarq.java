package org.amihes.dlms;

import java.util.ArrayList;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;

/**
 * What silence at the AARQ tells. It cannot be told apart on the wire, but over TCP the connection was accepted,
 * so something answers at the meter's address and the first APDU was what went unanswered: many meters drop an
 * AARQ for an unknown client address or logical device, or for wrong credentials, without a word. That is DLMS-105
 * with the usual causes named, retried once at most. Over UDP nothing was accepted, so a lost datagram stays as
 * likely: DLMS-102, with the same causes named.
 */
final class UnansweredAarq {

    private UnansweredAarq() {
    }

    static DlmsException failure(SessionSettings settings, long timeoutMs, List<String> exchange) {
        if (settings.transport() == TransportKind.UDP_WRAPPER) {
            return new DlmsException(FailureCode.NO_ANSWER, "AARQ datagram unanswered after " + timeoutMs + " ms; over "
                    + "UDP a lost datagram cannot be told from a meter that ignores the AARQ (" + String.join(", ",
                    causes(settings)) + ")", exchange, null);
        }
        String accepted = settings.transport() == TransportKind.TCP_HDLC
                ? "the meter accepted the TCP connection and the HDLC link (SNRM/UA)"
                : "the meter accepted the TCP connection";
        return new DlmsException(FailureCode.AARQ_UNANSWERED, accepted + ", then left the AARQ, the first APDU, "
                + "unanswered for " + timeoutMs + " ms. Silence cannot be told apart on the wire; the usual causes: "
                + String.join("; ", causes(settings)), exchange, null);
    }

    private static List<String> causes(SessionSettings settings) {
        List<String> causes = new ArrayList<>(4);
        causes.add("a client address (" + settings.clientAddress() + ") or logical device (server address "
                + settings.logicalDevice() + ") the meter does not know");
        if (settings.authentication() != AuthenticationLevel.NONE || settings.security() != null) {
            causes.add("wrong credentials (" + credentials(settings) + ")");
        }
        causes.add("a meter busy with another association");
        if (settings.transport() == TransportKind.TCP_HDLC) {
            causes.add("a serial gateway whose meter does not answer");
        }
        return causes;
    }

    private static String credentials(SessionSettings settings) {
        return switch (settings.authentication()) {
            case LOW -> "LLS password";
            case HIGH_SHA256 -> "HLS secret, keys or security suite";
            case HIGH_GMAC, HIGH_ECDSA -> "keys, security suite or system title";
            case NONE -> "keys or security suite";
        };
    }
}
