package org.amihes.dlms;

import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSSecuritySetup;
import io.vertx.core.Future;
import java.util.List;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;

/**
 * Over an open public association, finds our client's security setup and frame counter by the rule of
 * {@link SecurityObjects} and reads the suite and the last invocation counter the meter accepted. Never fails:
 * what could not be found or read comes back with the reason.
 */
final class SecurityProbe {

    /** One value the probe looked for: {@code value} null when not read, and then {@code missing} says why. */
    record Reading<T>(String obis, T value, String missing) {

        static <T> Reading<T> notRead(String obis, String why) {
            return new Reading<>(obis, null, why);
        }
    }

    /**
     * @param setupSource how the security setup was found (configured, or referenced by which association); null
     *                    when it was not found
     */
    record Probe(Reading<Integer> suite, String setupSource, Reading<Long> frameCounter) {
    }

    /** A security setup's logical name and how it was found; {@code obis} null when not found, {@code how} says why. */
    private record Located(String obis, String how) {
    }

    private final DlmsSession session;
    private final int client;
    private final SecurityObjects configured;

    private SecurityProbe(DlmsSession session, int client, SecurityObjects configured) {
        this.session = session;
        this.client = client;
        this.configured = configured;
    }

    /** {@code session} is the public association; {@code target} the settings whose association was refused. */
    static Future<Probe> run(DlmsSession session, SessionSettings target) {
        return new SecurityProbe(session, target.clientAddress(), target.security().objects()).run();
    }

    private Future<Probe> run() {
        return locateSetup().compose(setup -> {
            Future<Reading<Integer>> suite = setup.obis() == null
                    ? Future.succeededFuture(Reading.notRead(null, setup.how()))
                    : read(new GXDLMSSecuritySetup(setup.obis()), 3, "security setup")
                            .map(r -> new Reading<>(r.obis(), r.value() == null ? null : r.value().intValue(), r.missing()));
            String counterObis = configured.frameCounter() != null ? configured.frameCounter()
                    : setup.obis() == null ? null : SecurityObjects.frameCounterOf(setup.obis());
            Future<Reading<Long>> counter = suite.compose(s -> counterObis == null
                    ? Future.succeededFuture(Reading.notRead(null, "its OBIS code follows from the security setup, "
                            + "which was not found"))
                    : read(new GXDLMSData(counterObis), 2, "frame counter")
                            .map(r -> new Reading<>(r.obis(), r.value() == null ? null : r.value().longValue(), r.missing())));
            return counter.map(c -> new Probe(suite.result(), setup.obis() == null ? null : setup.how(), c));
        });
    }

    private Future<Located> locateSetup() {
        if (configured.securitySetup() != null) {
            return Future.succeededFuture(new Located(configured.securitySetup(), "configured"));
        }
        if (configured.association() != null) {
            return referencedBy(configured.association(), "configured association " + configured.association());
        }
        return search(1);
    }

    /** Association LN 0.0.40.0.e.255, e = {@code instance}, ...: the first whose partners name our client. */
    private Future<Located> search(int instance) {
        if (instance > SecurityObjects.MAX_ASSOCIATIONS) {
            return Future.succeededFuture(new Located(null, "no association object 0.0.40.0.1.255 to 0.0.40.0."
                    + SecurityObjects.MAX_ASSOCIATIONS + ".255 names client " + client));
        }
        String ln = "0.0.40.0." + instance + ".255";
        return session.read(new GXDLMSAssociationLogicalName(ln), 3).transform(partners -> {
            if (partners.succeeded()) {
                return clientOf(partners.result()) == client
                        ? referencedBy(ln, "association " + ln + " of client " + client) : search(instance + 1);
            }
            DlmsException e = partners.cause() instanceof DlmsException d ? d : null;
            if (e != null && e.code() == FailureCode.OBJECT_UNDEFINED && instance > 1) {
                return Future.succeededFuture(new Located(null, "no association object from 0.0.40.0.1.255 on names"
                        + " client " + client + " (" + ln + " is undefined)"));
            }
            if (e == null || e.failureClass() == FailureClass.NETWORK || e.code() == FailureCode.OBJECT_UNDEFINED) {
                return Future.succeededFuture(new Located(null, "the association objects could not be searched for"
                        + " client " + client + ": " + ln + " attribute 3 not read (" + partners.cause().getMessage() + ")"));
            }
            return search(instance + 1); // e.g. access denied to this one: the next may be ours
        });
    }

    private Future<Located> referencedBy(String association, String source) {
        return session.read(new GXDLMSAssociationLogicalName(association), 9).transform(reference -> {
            if (reference.failed()) {
                return Future.succeededFuture(new Located(null, "the security_setup_reference (attribute 9) of "
                        + source + " was not read (" + reference.cause().getMessage() + ")"));
            }
            String setup = logicalName(reference.result());
            return Future.succeededFuture(setup == null
                    ? new Located(null, source + " references no security setup")
                    : new Located(setup, "referenced by " + source));
        });
    }

    private Future<Reading<Number>> read(GXDLMSObject object, int attribute, String what) {
        String obis = object.getLogicalName();
        return session.read(object, attribute).transform(v -> {
            if (v.failed()) {
                return Future.succeededFuture(Reading.notRead(obis, what + " " + obis + " attribute " + attribute
                        + " not read (" + v.cause().getMessage() + ")"));
            }
            return Future.succeededFuture(v.result() instanceof Number n ? new Reading<>(obis, n, null)
                    : Reading.notRead(obis, what + " " + obis + " attribute " + attribute + " is not a number ("
                            + v.result() + ")"));
        });
    }

    /** associated_partners_id: structure {client_SAP integer, server_SAP long-unsigned}; -1 when not that. */
    private static int clientOf(Object partners) {
        return partners instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Number n ? n.intValue() : -1;
    }

    /** An octet-string of 6 (a logical name); null for none (empty or all zeros). */
    private static String logicalName(Object value) {
        if (!(value instanceof byte[] b) || b.length != 6) {
            return null;
        }
        boolean none = true;
        StringBuilder ln = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            none &= b[i] == 0;
            ln.append(i == 0 ? "" : ".").append(b[i] & 0xFF);
        }
        return none ? null : ln.toString();
    }
}
