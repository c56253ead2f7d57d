package org.amihes.association.push;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.amihes.association.MeterSessions;
import org.amihes.association.audit.AuditLog;
import org.amihes.association.client.SecurityServiceCredentials;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterCredentials;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.association.interop.VendorDeclarations;
import org.amihes.contracts.MeterPushEvent;
import org.amihes.dlms.Notification;
import org.amihes.dlms.PushDecoder;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/**
 * What happens to one pushed frame: the sender is found ({@link PushSenders}: a ciphered frame by the system title it
 * carries, whatever its source address; any other by its address, source IP and wrapper or HDLC source address = the
 * meter's logical device), a ciphered frame is deciphered with the meter's keys from security-service (cached, as
 * secured reads get them; ACTIVE then PENDING version), the notification is decoded and
 * named ({@link PushEvents}), recorded in the push outbox ({@link PushPublisher}, which publishes it once the broker
 * takes it) and then audited as PUSH. A frame that fails any step is audited as a classified PUSH failure and never
 * published. Runs on the calling event loop: nothing here blocks.
 */
@ApplicationScoped
public class PushIntake {

    /** A failure of one push, classified as the audit log and the metrics name it. */
    static final class Rejected extends RuntimeException {
        final String failureClass;
        final String code;

        Rejected(String failureClass, String code, String message) {
            super(message, null, false, false);
            this.failureClass = failureClass;
            this.code = code;
        }
    }

    private final MeterDirectory directory;
    private final MeterSessions sessions;
    private final PushSenders senders;
    private final VendorDeclarations declarations;
    private final AuditLog audit;
    private final PushPublisher publisher;
    private final PushMetrics metrics;
    /** The highest invocation counter seen per meter and key: a ciphered push at or below it is a replay. */
    private final Map<String, Long> counters = new ConcurrentHashMap<>();

    public PushIntake(MeterDirectory directory, MeterSessions sessions, PushSenders senders,
                      VendorDeclarations declarations, AuditLog audit, PushPublisher publisher, PushMetrics metrics) {
        this.directory = directory;
        this.sessions = sessions;
        this.senders = senders;
        this.declarations = declarations;
        this.audit = audit;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /**
     * Handles one whole frame from {@code sourceHost} that came over {@code transport} (TCP or UDP). Never fails:
     * the future completes once the push is published or its failure audited.
     */
    public Future<Void> accept(byte[] frame, String sourceHost, String transport) {
        Instant receivedAt = Instant.now();
        metrics.received(transport);
        PushDecoder.Envelope envelope;
        try {
            envelope = PushDecoder.envelope(frame);
        } catch (DlmsException e) {
            return rejected(null, sourceHost, transport, classified(e), frame);
        }
        Future<Identified> identified = envelope.ciphered() && envelope.systemTitle() != null
                ? bySystemTitle(frame, envelope, sourceHost)
                : byAddress(frame, envelope, sourceHost);
        return identified.compose(id -> {
            MeterPushEvent event = PushEvents.event(id.meter(), id.notification(), declarations.of(id.meter().vendor()),
                    transport, receivedAt);
            return publisher.publish(event).transform(published -> {
                if (published.failed()) {
                    return rejected(id.meter(), sourceHost, transport, new Rejected("HEAD_END", "HES-007", "HES-007: "
                            + "Push event not recorded (" + published.cause().getMessage() + ")"), frame);
                }
                metrics.recorded();
                audit.pass("PUSH", id.meter().meterId(), event.eventId(), details(event, sourceHost, envelope, id.by()));
                return Future.<Void>succeededFuture();
            });
        }).recover(e -> {
            if (e instanceof Unidentified u) {
                return rejected(u.meter, sourceHost, transport, u.why, frame);
            }
            return rejected(null, sourceHost, transport, e instanceof Rejected r ? r : classified(e), frame);
        });
    }

    /** The sender and what it pushed; {@code by}: how the sender was found (system-title, address). */
    private record Identified(Meter meter, Notification notification, String by) {
    }

    /** A push that failed after (meter not null) or before its sender was known. */
    private static final class Unidentified extends RuntimeException {
        final Meter meter;
        final Rejected why;

        Unidentified(Meter meter, Rejected why) {
            super(why.getMessage(), null, false, false);
            this.meter = meter;
            this.why = why;
        }
    }

    /** A plain push, or a ciphered one without a system title: the meter at the source address. */
    private Future<Identified> byAddress(byte[] frame, PushDecoder.Envelope envelope, String sourceHost) {
        List<Meter> atAddress = senders.byAddress(sourceHost, envelope);
        if (atAddress.size() != 1) {
            return Future.failedFuture(new Unidentified(null, new Rejected("SECURITY", "HES-006",
                    unattributed(sourceHost, envelope.source(), atAddress))));
        }
        Meter meter = atAddress.get(0);
        Future<Notification> decoded = envelope.ciphered()
                ? keysOf(meter).map(keys -> decipher(frame, meter, keys))
                : plain(frame);
        return decoded.map(n -> new Identified(meter, n, "address"))
                .recover(e -> Future.failedFuture(new Unidentified(meter, e instanceof Rejected r ? r : classified(e))));
    }

    /** Why a push named only by its source address has no sender: no meter there, or several. */
    static String unattributed(String host, int logicalDevice, List<Meter> atAddress) {
        if (atAddress.isEmpty()) {
            return "HES-006: Push from an unknown meter (no registered meter at " + host + " with logical device "
                    + logicalDevice + ")";
        }
        int shown = Math.min(atAddress.size(), 5);
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            ids.append(i == 0 ? "" : ", ").append(atAddress.get(i).meterId());
        }
        if (atAddress.size() > shown) {
            ids.append(", ...");
        }
        return "HES-006: Push from an unattributable meter (" + atAddress.size() + " meters are registered at " + host
                + " with logical device " + logicalDevice + ": " + ids + "; give each its own address, or cipher "
                + "its pushes with its system title)";
    }

    /**
     * A ciphered push with its sender's system title, from whatever address: the registered meters with that title
     * ({@link PushSenders}) in turn, until one's keys decipher it (the GCM tag proves the sender). None with the title:
     * HES-006, audited with the title. None whose keys fit: the first candidate's failure (DLMS-404 for wrong keys).
     */
    private Future<Identified> bySystemTitle(byte[] frame, PushDecoder.Envelope envelope, String sourceHost) {
        String title = envelope.systemTitleHex();
        return senders.bySystemTitle(sourceHost, envelope)
                .recover(e -> Future.failedFuture(new Unidentified(null, e instanceof SecurityServiceCredentials.Refused r
                        ? new Rejected(r.failureClass(), r.code(), r.getMessage()) : classified(e))))
                .compose(candidates -> {
                    if (candidates.isEmpty()) {
                        return Future.failedFuture(new Unidentified(null, new Rejected("SECURITY", "HES-006", "HES-006: "
                                + "Push from an unknown meter (system title " + title + " is in no registered meter's "
                                + "keys; from " + sourceHost + ", logical device " + envelope.source() + ")")));
                    }
                    return tryCandidates(frame, candidates, 0, null).onSuccess(id -> senders.identified(title, id.meter()));
                });
    }

    private Future<Identified> tryCandidates(byte[] frame, List<Meter> candidates, int i, Unidentified first) {
        Meter meter = candidates.get(i);
        return keysOf(meter).map(keys -> new Identified(meter, decipher(frame, meter, keys), "system-title"))
                .recover(e -> {
                    Unidentified mine = new Unidentified(meter, e instanceof Rejected r ? r : classified(e));
                    boolean keysDoNotFit = e instanceof DlmsException d && d.code() == FailureCode.DECIPHERING_FAILED
                            || e instanceof Rejected;
                    if (!keysDoNotFit) {
                        return Future.failedFuture(mine); // its keys fit: the sender, failing (a replay)
                    }
                    Unidentified reported = first != null ? first : mine;
                    return i + 1 < candidates.size() ? tryCandidates(frame, candidates, i + 1, reported)
                            : Future.failedFuture(reported);
                });
    }

    /**
     * A notification a meter pushed inside an association the head-end had open (deciphered by that session already):
     * named, audited and published like any other push, with transport SESSION. Called on the session's event loop.
     */
    public void acceptFromSession(String meterId, Notification n) {
        metrics.received("SESSION");
        Optional<Meter> meter = directory.find(meterId);
        if (meter.isEmpty()) {
            return; // a probe's session to an address that is no registered meter: nothing to name the values by
        }
        MeterPushEvent event = PushEvents.event(meter.get(), n, declarations.of(meter.get().vendor()), "SESSION",
                Instant.now());
        publisher.publish(event).onComplete(published -> {
            if (published.succeeded()) {
                metrics.recorded();
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("transport", "SESSION");
                d.put("kind", event.kind().name());
                d.put("pushSetup", event.pushSetup());
                d.put("values", event.values().size());
                audit.pass("PUSH", meterId, event.eventId(), d);
            } else {
                metrics.rejected("HES-007");
                audit.fail("PUSH", meterId, event.eventId(), "HEAD_END", "HES-007", "HES-007: Push event not recorded ("
                        + published.cause().getMessage() + ")", List.of());
            }
        });
    }

    private Future<List<PushDecoder.Keys>> keysOf(Meter meter) {
        if (meter.securityProfile() == null) {
            return Future.failedFuture(new DlmsException(FailureCode.DECIPHERING_FAILED, "a ciphered push from "
                    + meter.meterId() + ", which has no security profile (no keys) in the registry"));
        }
        return sessions.credentials(meter).map(c -> {
            List<PushDecoder.Keys> keys = new ArrayList<>(c.keys().size());
            for (MeterCredentials.KeyVersion k : c.keys()) {
                keys.add(new PushDecoder.Keys(c.suite(), k.blockCipherKey(), k.authenticationKey()));
            }
            return keys;
        }).recover(e -> Future.failedFuture(e instanceof SecurityServiceCredentials.Refused r
                ? new Rejected(r.failureClass(), r.code(), r.getMessage()) : e));
    }

    /** With each key version in turn (a push during a rotation may use either); the replay check after deciphering. */
    private Notification decipher(byte[] frame, Meter meter, List<PushDecoder.Keys> keys) {
        DlmsException last = null;
        for (int i = 0; i < keys.size(); i++) {
            try {
                Notification n = PushDecoder.decode(frame, keys.get(i));
                noReplay(meter, i, n);
                return n;
            } catch (DlmsException e) {
                if (e.code() != FailureCode.DECIPHERING_FAILED) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private void noReplay(Meter meter, int keyIndex, Notification n) {
        String key = meter.meterId() + "/" + keyIndex;
        long ic = n.invocationCounter();
        if (!advance(key, ic)) {
            throw new DlmsException(FailureCode.REPLAYED_RESPONSE, "push invocation counter " + ic + " is not above "
                    + counters.get(key) + ", the highest seen from " + meter.meterId() + ": a replayed notification");
        }
    }

    private boolean advance(String key, long ic) {
        while (true) {
            Long before = counters.get(key);
            if (before != null && ic <= before) {
                return false;
            }
            if (before == null ? counters.putIfAbsent(key, ic) == null : counters.replace(key, before, ic)) {
                return true;
            }
        }
    }

    private static Future<Notification> plain(byte[] frame) {
        try {
            return Future.succeededFuture(PushDecoder.decode(frame, null));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private Future<Void> rejected(Meter meter, String sourceHost, String transport, Rejected why, byte[] frame) {
        metrics.rejected(why.code);
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("transport", transport);
        more.put("source", sourceHost);
        PushDecoder.Envelope envelope = envelopeOrNull(frame);
        if (envelope != null && envelope.systemTitle() != null) {
            more.put("systemTitle", envelope.systemTitleHex());
        }
        audit.fail("PUSH", meter == null ? null : meter.meterId(), null, why.failureClass, why.code, why.getMessage(),
                List.of("RX " + java.util.HexFormat.of().formatHex(frame, 0, Math.min(frame.length, 2048))), more);
        return Future.succeededFuture();
    }

    private static PushDecoder.Envelope envelopeOrNull(byte[] frame) {
        try {
            return PushDecoder.envelope(frame);
        } catch (DlmsException notAFrame) {
            return null;
        }
    }

    private static Rejected classified(Throwable e) {
        if (e instanceof DlmsException d) {
            return new Rejected(d.failureClass().name(), d.code().code(), d.getMessage());
        }
        return new Rejected("PROTOCOL", FailureCode.MALFORMED_PDU.code(), FailureCode.MALFORMED_PDU.code()
                + ": the push could not be decoded (" + e + ")");
    }

    private static Map<String, Object> details(MeterPushEvent event, String sourceHost, PushDecoder.Envelope envelope,
                                               String identifiedBy) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("transport", event.transport());
        d.put("source", sourceHost);
        d.put("identifiedBy", identifiedBy);
        d.put("kind", event.kind().name());
        d.put("pushSetup", event.pushSetup());
        d.put("ciphered", event.ciphered());
        if (event.ciphered()) {
            d.put("invocationCounter", event.invocationCounter());
            d.put("systemTitle", envelope.systemTitleHex());
        }
        d.put("values", event.values().size());
        d.put("routingKey", event.routingKey());
        return d;
    }
}
