package org.amihes.dlms;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.amihes.dlms.SecurityProbe.Probe;
import org.amihes.dlms.SecurityProbe.Reading;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.Transport;

/**
 * Opens a ciphered association and, when the meter cannot decipher it, finds out why instead of guessing: over
 * the meter's public association it reads the suite of our client's security setup and the invocation counter the
 * meter last accepted from our client ({@link SecurityProbe}; which objects: {@link SecurityObjects}). A different
 * suite is "DLMS-004: Security Suite Mismatch"; a stale counter is resynchronised (counter + 1) and the association
 * tried once more; with both checked, anything else is a wrong key. What could not be read is said to be unchecked.
 */
final class AssociationDiagnosis {

    private AssociationDiagnosis() {
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
                            + "; the public association could not be opened to tell a wrong key from a suite or counter"
                            + " problem (" + probe.cause().getMessage() + ")", d.exchange(), d));
                }
                return diagnose(vertx, context, transport, settings, probe.result(), d);
            });
        });
    }

    private static Future<DlmsSession> diagnose(Vertx vertx, Context context, Transport transport,
                                                SessionSettings settings, Probe probe, DlmsException original) {
        int configured = settings.security().suite();
        Reading<Integer> suite = probe.suite();
        if (suite.value() != null && suite.value() != configured) {
            return Future.failedFuture(new DlmsException(FailureCode.SECURITY_SUITE_MISMATCH, "the meter's security "
                    + "setup " + suite.obis() + " (" + probe.setupSource() + ") uses suite " + suite.value()
                    + ", the registry says suite " + configured + ": update the meter's security profile",
                    original.exchange(), original));
        }
        long ours = settings.security().invocationCounter();
        Reading<Long> counter = probe.frameCounter();
        Long theirs = counter.value();
        if (theirs != null && theirs >= ours) {
            SessionSettings resynced = settings.withSecurity(settings.security().withInvocationCounter(theirs + 1));
            return DlmsSession.open(vertx, context, transport, resynced).map(session -> {
                // worth an operator's eye: a head-end that loses its counters costs every meter a second association
                session.warn(FailureCode.DECIPHERING_FAILED.code() + ": the meter refused invocation counter " + ours
                        + " (its frame counter " + counter.obis() + " was at " + theirs + "); resynchronised to "
                        + (theirs + 1));
                return session;
            }).recover(again -> Future.failedFuture(
                    new DlmsException(FailureCode.DECIPHERING_FAILED, "still refused after resynchronising the "
                            + "invocation counter from " + ours + " to " + (theirs + 1) + " (the meter's frame counter "
                            + counter.obis() + "): wrong key likely", original.exchange(), again)));
        }
        return Future.failedFuture(new DlmsException(FailureCode.DECIPHERING_FAILED,
                unexplained(configured, ours, probe), original.exchange(), original));
    }

    /** Suite and counter both fine, or not both checked: says which was checked, which not and why. */
    private static String unexplained(int configured, long ours, Probe probe) {
        Reading<Integer> suite = probe.suite();
        Reading<Long> counter = probe.frameCounter();
        String suitePart = suite.value() != null
                ? "suite " + configured + " matches the meter's security setup " + suite.obis() + " ("
                        + probe.setupSource() + ")"
                : "the security suite was not checked: " + suite.missing();
        String counterPart = counter.value() != null
                ? "the invocation counter " + ours + " is above the meter's frame counter " + counter.obis() + " ("
                        + counter.value() + ")"
                : "the invocation counter was not checked: " + counter.missing();
        String verdict;
        if (suite.value() != null && counter.value() != null) {
            verdict = "wrong key likely";
        } else if (suite.value() != null) {
            verdict = "a wrong key or a stale invocation counter, not told apart";
        } else if (counter.value() != null) {
            verdict = "a wrong key or another security suite, not told apart";
        } else {
            verdict = "a wrong key, another security suite or a stale invocation counter, not told apart";
        }
        return "the meter cannot decipher the AARQ; " + suitePart + "; " + counterPart + ": " + verdict;
    }

    private static Future<Probe> probe(Vertx vertx, Context context, Transport transport, SessionSettings settings) {
        return DlmsSession.open(vertx, context, transport, settings.publicProbe()).compose(session ->
                SecurityProbe.run(session, settings).compose(probe -> session.release().map(probe)));
    }
}
