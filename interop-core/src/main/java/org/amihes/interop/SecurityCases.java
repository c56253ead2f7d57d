package org.amihes.interop;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.SecuritySettings;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.interop.TransportCases.Simple;

/**
 * Security: what a meter must refuse. Each case PASSes when the meter refuses for the right reason and FAILs
 * (SECURITY) when it accepts, with the accepting exchange as evidence.
 */
final class SecurityCases {

    private SecurityCases() {
    }

    static final InteropCase WRONG_KEY = new Simple("security.wrong-key", Area.SECURITY,
            "an association with a wrong key (or LLS password) is refused") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            SessionSettings m = probe.target().management();
            if (m == null) {
                return Future.succeededFuture(Outcome.skipped(probe.target().whyNoManagement()));
            }
            SessionSettings wrong;
            if (m.security() != null) {
                SecuritySettings s = m.security();
                wrong = m.withSecurity(new SecuritySettings(s.suite(), s.policy(), s.clientSystemTitle(),
                        flipped(s.blockCipherKey()), flipped(s.authenticationKey()), null, s.invocationCounter(),
                        s.clientSigningKey(), s.serverSigningKey(), s.hlsSecret() == null ? null : flipped(s.hlsSecret()),
                        s.objects()));
            } else if (m.authentication() == AuthenticationLevel.LOW) {
                wrong = new SessionSettings(m.host(), m.port(), m.transport(), m.clientAddress(), m.logicalDevice(),
                        m.authentication(), m.password() + "-wrong", m.responseTimeout(), m.maxPduSize(), null);
            } else {
                return Future.succeededFuture(Outcome.skipped("the management association (" + m.authentication()
                        + ") has no secret to get wrong"));
            }
            return refused(probe.in(wrong, SecurityCases::readSomething), "a wrong key",
                    c -> c.failureClass() == FailureClass.SECURITY || c == FailureCode.ASSOCIATION_REJECTED
                            || c == FailureCode.AARQ_UNANSWERED);
        }
    };

    static final InteropCase REPLAYED_COUNTER = new Simple("security.replayed-counter", Area.SECURITY,
            "an AARQ carrying an invocation counter the meter already accepted is refused") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            SessionSettings m = probe.target().management();
            String skip = needsCiphering(probe, m);
            if (skip != null) {
                return Future.succeededFuture(Outcome.skipped(skip));
            }
            String meterId = probe.target().meterId();
            String keyId = MeterReader.counterKeyId(m.security());
            // an ordinary association first: it brings the counter store in step with the meter (resynchronised on
            // refusal), so that the next counter from the store is one the meter has not seen
            Future<Object> inStep = probe.in(m, session -> Future.succeededFuture((Object) null)).map(d -> null);
            return inStep.compose(x -> probe.counters().next(meterId, keyId)).compose(start -> {
                SessionSettings first = m.withSecurity(m.security().withInvocationCounter(start));
                // once accepted ...
                return probe.openBare(first).compose(session -> {
                    long reached = session.invocationCounter();
                    return session.release().compose(v -> probe.counters().advance(meterId, keyId, reached + 1));
                }).transform(ar -> {
                    if (ar.failed()) {
                        return probe.counters().advance(meterId, keyId, start + 1)
                                .map(v -> Outcome.failed(ar.cause()).withReason("the first association, with a fresh "
                                        + "counter, was already refused: "));
                    }
                    // ... then the same AARQ counter again, without diagnosis (which would resynchronise it)
                    return refused(probe.openBare(first).compose(s -> readSomething(s)
                                    .compose(x -> s.release()).map(x -> new Object())),
                            "invocation counter " + start + " again", c -> c.failureClass() == FailureClass.SECURITY
                                    || c == FailureCode.ASSOCIATION_REJECTED || c == FailureCode.AARQ_UNANSWERED);
                });
            });
        }
    };

    static final InteropCase SUITE_MISMATCH = new Simple("security.suite-mismatch", Area.SECURITY,
            "an association in another security suite is refused and diagnosed as DLMS-004: Security Suite Mismatch") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            SessionSettings m = probe.target().management();
            String skip = needsCiphering(probe, m);
            if (skip != null) {
                return Future.succeededFuture(Outcome.skipped(skip));
            }
            SecuritySettings s = m.security();
            int other = m.authentication() == AuthenticationLevel.HIGH_ECDSA ? (s.suite() == 2 ? 1 : 2)
                    : (s.suite() == 0 ? 2 : 0);
            int length = other == 2 ? 32 : 16;
            SessionSettings mismatched = m.withSecurity(new SecuritySettings(other, s.policy(), s.clientSystemTitle(),
                    resized(s.blockCipherKey(), length), resized(s.authenticationKey(), length), null,
                    s.invocationCounter(), s.clientSigningKey(), s.serverSigningKey(), s.hlsSecret(), s.objects()));
            return probe.in(mismatched, SecurityCases::readSomething).transform(ar -> {
                if (ar.succeeded()) {
                    return Future.succeededFuture(Outcome.fail(FailureClass.SECURITY, "the meter (suite "
                            + s.suite() + ") accepted an association in suite " + other, List.of()));
                }
                DlmsException d = Classifier.classify(ar.cause(), List.of());
                if (d.code() == FailureCode.SECURITY_SUITE_MISMATCH) {
                    return Future.succeededFuture(Outcome.pass("refused and diagnosed: " + d.getMessage(),
                            Map.of("code", d.code().code(), "triedSuite", other, "meterSuite", s.suite())));
                }
                return Future.succeededFuture(Outcome.failed(d).withReason("suite " + other + " against a suite "
                        + s.suite() + " meter was not diagnosed as DLMS-004: "));
            });
        }
    };

    /** A GET inside the association, so that an association accepted but unusable is also seen. */
    private static Future<Object> readSomething(DlmsSession session) {
        return session.read(new gurux.dlms.objects.GXDLMSClock(Obis.CLOCK), 2);
    }

    private static <T> Future<Outcome> refused(Future<T> attempt, String what,
                                               java.util.function.Predicate<FailureCode> isRefusal) {
        return attempt.transform(ar -> {
            if (ar.succeeded()) {
                return Future.succeededFuture(Outcome.fail(FailureClass.SECURITY, "the meter accepted " + what,
                        List.of()));
            }
            DlmsException d = Classifier.classify(ar.cause(), List.of());
            if (isRefusal.test(d.code())) {
                return Future.succeededFuture(Outcome.pass("refused " + what + ": " + d.getMessage(),
                        Map.of("refusal", d.code().code())));
            }
            return Future.succeededFuture(Outcome.failed(d).withReason(what + " was not refused as a security "
                    + "failure: "));
        });
    }

    private static String needsCiphering(ProbeContext probe, SessionSettings m) {
        if (m == null) {
            return probe.target().whyNoManagement();
        }
        if (m.security() == null) {
            return "the meter's management association (" + m.authentication() + ") is not ciphered: no invocation "
                    + "counter or security suite to test";
        }
        return null;
    }

    static byte[] flipped(byte[] key) {
        byte[] out = key.clone();
        out[0] ^= 0x5A;
        return out;
    }

    private static byte[] resized(byte[] key, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = key[i % key.length];
        }
        return out;
    }
}
