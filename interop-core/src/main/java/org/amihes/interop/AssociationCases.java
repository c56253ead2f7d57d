package org.amihes.interop;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.interop.TransportCases.Simple;

/** Association open and release: each claimed mechanism, the refusal of what must be refused, the AARE's terms. */
final class AssociationCases {

    private AssociationCases() {
    }

    /** Services every meter must grant its public client for the plan's reads (Green Book conformance bits). */
    static final List<String> PUBLIC_CONFORMANCE = List.of("GET");

    static final InteropCase MANAGEMENT = new Simple("association.management", Area.ASSOCIATION,
            "the meter's claimed management association (its mechanism, suite and policy) opens with its credentials") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            SessionSettings m = probe.target().management();
            if (m == null) {
                return Future.succeededFuture(Outcome.skipped(probe.target().whyNoManagement()));
            }
            return probe.in(m, session -> Future.succeededFuture(Map.<String, Object>of(
                            "conformance", List.copyOf(session.negotiatedConformance()),
                            "maxPduSize", session.negotiatedMaxPduSize())))
                    .map(done -> {
                        Map<String, Object> facts = new LinkedHashMap<>(done.value());
                        facts.put("association", describe(m));
                        facts.put("warnings", done.warnings());
                        return Outcome.pass("associated as " + describe(m), facts);
                    }).otherwise(Outcome::failed);
        }
    };

    static final InteropCase REFUSE_UNAUTHENTICATED = new Simple("association.refuse-unauthenticated",
            Area.ASSOCIATION, "the management client without authentication is refused") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            SessionSettings m = probe.target().management();
            if (m == null) {
                return Future.succeededFuture(Outcome.skipped(probe.target().whyNoManagement()));
            }
            if (m.clientAddress() == 16) {
                return Future.succeededFuture(Outcome.skipped("the management association is the public client (16): "
                        + "nothing to refuse"));
            }
            SessionSettings bare = new SessionSettings(m.host(), m.port(), m.transport(), m.clientAddress(),
                    m.logicalDevice(), AuthenticationLevel.NONE, null, m.responseTimeout(), m.maxPduSize(), null);
            return probe.openBare(bare).transform(ar -> {
                if (ar.succeeded()) {
                    List<String> exchange = ar.result().exchange();
                    return ar.result().release().map(v -> Outcome.fail(FailureClass.SECURITY, "the meter accepted "
                            + "client " + m.clientAddress() + " without authentication (it should require "
                            + m.authentication() + ")", exchange));
                }
                DlmsException d = Classifier.classify(ar.cause(), List.of());
                if (d.failureClass() == FailureClass.NETWORK && d.code() != FailureCode.AARQ_UNANSWERED) {
                    return Future.succeededFuture(Outcome.failed(d)); // not a refusal: the meter was not reached
                }
                return Future.succeededFuture(Outcome.pass("refused: " + d.getMessage(),
                        Map.of("refusal", d.code().code())));
            });
        }
    };

    static final InteropCase CONFORMANCE = new Simple("association.conformance", Area.ASSOCIATION,
            "the AARE's conformance block grants the declared services; the meter's max receive PDU size is usable") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            int proposed = probe.target().publicAssociation().maxPduSize();
            return probe.inPublic(session -> {
                SortedSet<String> granted = session.negotiatedConformance();
                int pdu = session.negotiatedMaxPduSize();
                List<String> expected = new ArrayList<>(PUBLIC_CONFORMANCE);
                if (d != null && d.blockTransfer()) {
                    expected.add("BLOCK_TRANSFER_WITH_GET_OR_READ");
                }
                if (d != null && d.selectiveAccess()) {
                    expected.add("SELECTIVE_ACCESS");
                }
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("conformance", List.copyOf(granted));
                facts.put("maxPduSize", pdu);
                facts.put("proposedPduSize", proposed);
                if (d != null) {
                    facts.put("declaredPduSize", d.maxPduSize());
                }
                List<String> missing = expected.stream().filter(c -> !granted.contains(c)).toList();
                if (!missing.isEmpty()) {
                    return Future.succeededFuture(Outcome.fail(FailureCode.UNEXPECTED_PDU, "the AARE's conformance "
                            + "block lacks " + missing + (d == null ? "" : " that the declaration of " + d.vendor()
                            + " claims"), session.exchange(), facts));
                }
                if (pdu < 64) { // the meter's server-max-receive-pdu-size: too small for any useful APDU
                    return Future.succeededFuture(Outcome.fail(FailureCode.UNEXPECTED_PDU, "the AARE's "
                            + "server-max-receive-pdu-size " + pdu + " is below 64 bytes", session.exchange(), facts));
                }
                return Future.succeededFuture(Outcome.pass("granted " + granted + ", PDU " + pdu
                        + (d == null ? " (no declaration: only " + PUBLIC_CONFORMANCE + " required)" : ""), facts));
            }).otherwise(Outcome::failed);
        }
    };

    static final InteropCase RELEASE = new Simple("association.release", Area.ASSOCIATION,
            "RLRQ is answered by a well-formed RLRE and the association ends") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            return probe.openBare(probe.target().publicAssociation())
                    .compose(session -> session.release().map(v -> {
                        List<String> warnings = session.warnings();
                        if (!warnings.isEmpty()) {
                            String w = warnings.get(0);
                            FailureCode code = w.startsWith(FailureCode.RELEASE_MALFORMED.code())
                                    ? FailureCode.RELEASE_MALFORMED : FailureCode.UNEXPECTED_PDU;
                            return Outcome.fail(code, w, session.exchange(), Map.of());
                        }
                        return Outcome.pass("released: RLRE well formed, session " + session.state());
                    })).otherwise(Outcome::failed);
        }
    };

    static String describe(SessionSettings s) {
        return s.authentication() + (s.security() == null ? "" : " suite " + s.security().suite() + " "
                + s.security().policy()) + ", client " + s.clientAddress();
    }
}
