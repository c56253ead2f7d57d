package org.amihes.dlms;

import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSSecuritySetup;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.Transport;

/**
 * Opens a ciphered association and, when the meter cannot decipher it, finds out why instead of guessing: over
 * the meter's public association it reads the security setup's suite and the invocation counter the meter last
 * saw. A different suite is "DLMS-004: Security Suite Mismatch"; a stale counter is resynchronised (counter + 1)
 * and the association tried once more; anything else is a wrong key.
 */
final class AssociationDiagnosis {

    static final String SECURITY_SETUP = "0.0.43.0.0.255";
    static final String INVOCATION_COUNTER = "0.0.43.1.0.255";

    private AssociationDiagnosis() {
    }

    /** What the meter's public association tells about its security; fields are null when it would not say. */
    record Probe(Integer suite, Long lastInvocationCounter) {
    }

    static Future<DlmsSession> open(Vertx vertx, Context context, Transport transport, SessionSettings settings) {
        Future<DlmsSession> first = DlmsSession.open(vertx, context, transport, settings);
        if (settings.security() == null) {
            return first;
        }
        return first.recover(error -> {
            if (!(error instanceof DlmsException d) || d.code() != FailureCode.DECIPHERING_FAILED) {
                return Future.failedFuture(error);
            }
            return probe(vertx, context, transport, settings).transform(probe -> {
                if (probe.failed()) {
                    return Future.failedFuture(new DlmsException(FailureCode.DECIPHERING_FAILED, d.detail()
                            + "; the public association could not be read to tell a wrong key from a suite or counter"
                            + " problem (" + probe.cause().getMessage() + ")", d.exchange(), d));
                }
                return diagnose(vertx, context, transport, settings, probe.result(), d);
            });
        });
    }

    private static Future<DlmsSession> diagnose(Vertx vertx, Context context, Transport transport,
                                                SessionSettings settings, Probe probe, DlmsException original) {
        int configured = settings.security().suite();
        if (probe.suite() != null && probe.suite() != configured) {
            return Future.failedFuture(new DlmsException(FailureCode.SECURITY_SUITE_MISMATCH, "the meter's security "
                    + "setup " + SECURITY_SETUP + " uses suite " + probe.suite() + ", the registry says suite "
                    + configured + ": update the meter's security profile", original.exchange(), original));
        }
        long ours = settings.security().invocationCounter();
        Long theirs = probe.lastInvocationCounter();
        if (theirs != null && theirs >= ours) {
            SessionSettings resynced = settings.withSecurity(settings.security().withInvocationCounter(theirs + 1));
            return DlmsSession.open(vertx, context, transport, resynced).map(session -> {
                // worth an operator's eye: a head-end that loses its counters costs every meter a second association
                session.warn(FailureCode.DECIPHERING_FAILED.code() + ": the meter refused invocation counter " + ours
                        + " (its frame counter " + INVOCATION_COUNTER + " was at " + theirs + "); resynchronised to "
                        + (theirs + 1));
                return session;
            }).recover(again -> Future.failedFuture(
                    new DlmsException(FailureCode.DECIPHERING_FAILED, "still refused after resynchronising the "
                            + "invocation counter from " + ours + " to " + (theirs + 1)
                            + " (the meter's frame counter): wrong key likely", original.exchange(), again)));
        }
        return Future.failedFuture(new DlmsException(FailureCode.DECIPHERING_FAILED, "the meter cannot decipher the "
                + "AARQ although suite " + configured + " matches and the invocation counter " + ours
                + " is above the meter's " + theirs + ": wrong key likely", original.exchange(), original));
    }

    private static Future<Probe> probe(Vertx vertx, Context context, Transport transport, SessionSettings settings) {
        GXDLMSSecuritySetup setup = new GXDLMSSecuritySetup(SECURITY_SETUP);
        GXDLMSData counter = new GXDLMSData(INVOCATION_COUNTER);
        return DlmsSession.open(vertx, context, transport, settings.publicProbe()).compose(session -> {
            Future<Integer> suite = session.read(setup, 3)
                    .map(v -> v instanceof Number n ? n.intValue() : null).otherwiseEmpty();
            Future<Long> last = suite.compose(s -> session.read(counter, 2))
                    .map(v -> v instanceof Number n ? n.longValue() : null).otherwiseEmpty();
            return Future.all(List.of(suite, last)).transform(all -> session.release()
                    .map(v -> new Probe(suite.result(), last.result())));
        });
    }
}
