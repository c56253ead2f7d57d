package org.amihes.dlms;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.Conformance;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.Link;
import org.amihes.dlms.transport.Transport;

/**
 * One association with one meter, driven by Gurux (which only builds and parses frames) over a non-blocking
 * {@link Link}. Everything runs on one Vert.x context; one request is in flight at a time. Every failure leaves
 * as a {@link DlmsException} carrying the frames exchanged so far.
 */
public final class DlmsSession {

    public enum State { NEW, CONNECTING, ASSOCIATING, ASSOCIATED, RELEASING, CLOSED }

    private final Vertx vertx;
    private final Context context;
    private final SessionSettings settings;
    private final DlmsClient client;
    private final ExchangeLog log = new ExchangeLog();
    private final List<String> warnings = new ArrayList<>(0);
    private final GXByteBuffer received = new GXByteBuffer();
    private final ResponseCounters responseCounters = new ResponseCounters();
    private Link link;
    private State state = State.NEW;
    /** Why the session was given up (e.g. DLMS-008): later calls fail with this class and code, not as misuse. */
    private DlmsException abandonedBy;
    /** the request in flight: completed when a whole frame has been parsed into {@link #reply} */
    private Promise<Void> awaiting;
    private GXReplyData reply;
    private long timer = -1;
    /** When the request in flight times out ({@link System#nanoTime()}), and after how long. */
    private long deadline;
    private long awaitedMs;
    private boolean aarqInFlight;
    /** the application-context-name our AARQ proposed (last arc), -1 when it could not be read */
    private int proposedContextName = -1;
    /** APDUs sent ciphered with the dedicated key, and whether the request in flight is one of them */
    private int dedicatedRequests;
    private boolean dedicatedRequestInFlight;
    /** when the request in flight was sent (nanoTime), -1 when nothing we sent awaits its answer */
    private long sentAt = -1;
    /** the latest round trips measured (request sent to whole answer parsed), a ring of {@link #ROUND_TRIPS_KEPT} */
    private final long[] roundTrips = new long[ROUND_TRIPS_KEPT];
    private int roundTripCount;
    private static final int ROUND_TRIPS_KEPT = 32;
    /** where notifications the meter sends during the session go; kept (a few) for {@link #notifications()} when null */
    private java.util.function.Consumer<Notification> notificationHandler;
    private final List<Notification> unhandledNotifications = new ArrayList<>(0);
    private static final int UNHANDLED_KEPT = 16;

    private DlmsSession(Vertx vertx, Context context, SessionSettings settings) {
        this.vertx = vertx;
        this.context = context;
        this.settings = settings;
        this.client = new DlmsClient(settings);
    }

    /** Connects and associates. The session lives on {@code context} (an event-loop context). */
    public static Future<DlmsSession> open(Vertx vertx, Context context, Transport transport, SessionSettings settings) {
        DlmsSession session = new DlmsSession(vertx, context, settings);
        return session.onContext(() -> session.connect(transport).map(session));
    }

    public State state() {
        return state;
    }

    public SessionSettings settings() {
        return settings;
    }

    /**
     * Sends every DataNotification and EventNotification the meter pushes during this session (between answers or
     * interleaved with one) to {@code handler}, on the session's context. Without a handler the last few are kept
     * ({@link #notifications()}).
     */
    public DlmsSession onNotification(java.util.function.Consumer<Notification> handler) {
        this.notificationHandler = handler;
        return this;
    }

    /** Notifications received while no handler was set (the latest {@value #UNHANDLED_KEPT}). */
    public List<Notification> notifications() {
        return List.copyOf(unhandledNotifications);
    }

    private void notified(Notification n) {
        if (notificationHandler != null) {
            try {
                notificationHandler.accept(n);
            } catch (RuntimeException e) {
                warn("a notification handler failed: " + e);
            }
            return;
        }
        if (unhandledNotifications.size() == UNHANDLED_KEPT) {
            unhandledNotifications.remove(0);
        }
        unhandledNotifications.add(n);
    }

    /** Whether the meter accepted GET-with-list in the association (conformance block). */
    public boolean supportsGetWithList() {
        return client.getNegotiatedConformance().contains(Conformance.MULTIPLE_REFERENCES);
    }

    /** GET one attribute; the object is updated too. Returns the value as the meter sent it. */
    public Future<Object> read(GXDLMSObject object, int attribute) {
        return onContext(() -> {
            requireAssociated();
            List<Object> value = new ArrayList<>(1);
            return exchangeAll(() -> client.read(object, attribute), r -> value.add(r.getValue())).map(v -> {
                Object raw = value.get(value.size() - 1);
                client.updateValue(object, attribute, raw);
                return raw;
            });
        });
    }

    /**
     * GET-with-list. Values come back in request order; an attribute the meter could not deliver comes back as
     * a Gurux {@code ErrorCode}.
     */
    public Future<List<Object>> readList(List<Map.Entry<GXDLMSObject, Integer>> attributes) {
        return onContext(() -> {
            requireAssociated();
            List<Object> values = new ArrayList<>(attributes.size());
            return exchangeAll(() -> client.readList(attributes), r -> {
                if (r.getValue() instanceof List<?> list) {
                    values.addAll(list);
                }
            }).map(v -> {
                if (values.size() != attributes.size()) {
                    throw new DlmsException(FailureCode.UNEXPECTED_PDU, "asked for " + attributes.size()
                            + " attributes, the meter answered " + values.size(), log.snapshot(), null);
                }
                client.updateValues(attributes, values);
                return values;
            });
        });
    }

    /**
     * Reads the rows of a profile whose capture time lies in [from, to] (selective access by range, selector 1).
     * Reads the capture objects first when the caller has not, since rows are decoded column by column.
     */
    public Future<List<Object[]>> readRowsByRange(GXDLMSProfileGeneric profile, Instant from, Instant to) {
        return withCaptureObjects(profile).compose(v -> onContext(() -> {
            requireAssociated();
            List<Object> value = new ArrayList<>(1);
            return exchangeAll(() -> client.readRowsByRange(profile, Date.from(from), Date.from(to)),
                    r -> value.add(r.getValue())).map(x -> rows(profile, value));
        }));
    }

    /** Reads rows {@code first..first+count-1} of a profile (selective access by entry, selector 2; 1-based). */
    public Future<List<Object[]>> readRowsByEntry(GXDLMSProfileGeneric profile, int first, int count) {
        return withCaptureObjects(profile).compose(v -> onContext(() -> {
            requireAssociated();
            List<Object> value = new ArrayList<>(1);
            return exchangeAll(() -> client.readRowsByEntry(profile, first, count), r -> value.add(r.getValue()))
                    .map(x -> rows(profile, value));
        }));
    }

    /** SET of one attribute from the object's current value. A refused write fails with its data-access-result. */
    public Future<Void> write(GXDLMSObject object, int attribute) {
        return onContext(() -> {
            requireAssociated();
            return exchangeAll(() -> client.write(object, attribute), r -> { });
        });
    }

    /** ACTION: invokes method {@code method} with {@code parameter} (null-data when null); returns the return data. */
    public Future<Object> invoke(GXDLMSObject object, int method, Object parameter, DataType type) {
        return onContext(() -> {
            requireAssociated();
            List<Object> value = new ArrayList<>(1);
            return exchangeAll(() -> client.method(object, method, parameter == null ? (byte) 0 : parameter,
                    parameter == null ? DataType.INT8 : type), r -> value.add(r.getValue()))
                    .map(v -> value.isEmpty() ? null : value.get(value.size() - 1));
        });
    }

    /**
     * Security setup method 2 (global key transfer): sends new global keys wrapped (AES key wrap) with the meter's
     * master key. The meter switches after answering; release this session and associate with the new keys.
     */
    public Future<Void> transferKeys(String securitySetup, byte[] masterKey, byte[] newBlockCipherKey,
                                     byte[] newAuthenticationKey) {
        return onContext(() -> {
            requireAssociated();
            gurux.dlms.objects.GXDLMSSecuritySetup setup = new gurux.dlms.objects.GXDLMSSecuritySetup(securitySetup);
            List<gurux.dlms.GXSimpleEntry<gurux.dlms.objects.enums.GlobalKeyType, byte[]>> keys = new ArrayList<>();
            keys.add(new gurux.dlms.GXSimpleEntry<>(gurux.dlms.objects.enums.GlobalKeyType.UNICAST_ENCRYPTION,
                    newBlockCipherKey));
            keys.add(new gurux.dlms.GXSimpleEntry<>(gurux.dlms.objects.enums.GlobalKeyType.AUTHENTICATION,
                    newAuthenticationKey));
            return exchangeAll(() -> setup.globalKeyTransfer(client, masterKey, keys), r -> { });
        });
    }

    /**
     * Security setup method 2 (global key transfer) with keys already wrapped under the meter's master key (AES key
     * wrap, RFC 3394) by whoever holds it: {@code keys} maps global_key_type (0 unicast encryption, 1 broadcast
     * encryption, 2 authentication, 3 master key) to the wrapped key. The plaintext keys never pass through here.
     */
    public Future<Void> transferWrappedKeys(String securitySetup, List<Map.Entry<Integer, byte[]>> keys) {
        gurux.dlms.GXByteBuffer parameter = new gurux.dlms.GXByteBuffer();
        parameter.setUInt8(DataType.ARRAY.getValue());
        parameter.setUInt8(keys.size());
        for (Map.Entry<Integer, byte[]> key : keys) {
            parameter.setUInt8(DataType.STRUCTURE.getValue());
            parameter.setUInt8(2);
            parameter.setUInt8(DataType.ENUM.getValue());
            parameter.setUInt8(key.getKey());
            parameter.setUInt8(DataType.OCTET_STRING.getValue());
            parameter.setUInt8(key.getValue().length);
            parameter.set(key.getValue());
        }
        return invoke(new gurux.dlms.objects.GXDLMSSecuritySetup(securitySetup), 2, parameter.array(), DataType.ARRAY)
                .mapEmpty();
    }

    /**
     * The conformance block the meter answered in its AARE (the services this association may use), by the names of
     * the Green Book's conformance bits (e.g. GET, SELECTIVE_ACCESS, BLOCK_TRANSFER_WITH_GET_OR_READ).
     */
    public java.util.SortedSet<String> negotiatedConformance() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        for (Conformance c : client.getNegotiatedConformance()) {
            names.add(c.name());
        }
        return names;
    }

    /** The largest APDU the meter accepts, as negotiated in the AARE. */
    public int negotiatedMaxPduSize() {
        return client.getMaxReceivePDUSize();
    }

    private Future<Void> withCaptureObjects(GXDLMSProfileGeneric profile) {
        return profile.getCaptureObjects().isEmpty() ? read(profile, 3).mapEmpty() : Future.succeededFuture();
    }

    private List<Object[]> rows(GXDLMSProfileGeneric profile, List<Object> value) {
        client.updateValue(profile, 2, value.isEmpty() ? null : value.get(value.size() - 1));
        Object[] buffer = profile.getBuffer();
        List<Object[]> rows = new ArrayList<>(buffer == null ? 0 : buffer.length);
        if (buffer != null) {
            for (Object row : buffer) {
                rows.add((Object[]) row);
            }
        }
        return rows;
    }

    /** Releases the association (RLRQ, and DISC on HDLC) and closes the link. Never fails: a read stays read. */
    public Future<Void> release() {
        return onContext(() -> {
            if (state != State.ASSOCIATED) {
                return close();
            }
            state = State.RELEASING;
            Future<Void> done = exchangeAll(client::releaseRequest, r -> checkReleaseResponse());
            if (settings.transport().framing() == InterfaceType.HDLC) {
                // forced: after the release Gurux counts the link as closed and disconnectRequest() alone gives no
                // frame, which left the meter's HDLC link in normal response mode until its inactivity timeout
                done = done.compose(v -> exchangeAll(() -> new byte[][] {client.disconnectRequest(true)}, r -> { }));
            }
            return done.transform(released -> {
                if (released.failed()) {
                    // Tolerated: the reads are done and the link closes anyway, but the deviation is kept.
                    warnings.add(Classifier.classify(released.cause(), log.snapshot()).code().code()
                            + ": release not completed cleanly (" + released.cause().getMessage() + ")");
                }
                return close();
            });
        });
    }

    /** A release response whose lengths do not add up is accepted (the reads are done) but recorded as a warning. */
    private void checkReleaseResponse() {
        byte[] frame = log.lastReceived();
        String deviation = frame == null ? null : Apdus.rlreLengthDeviation(frame, settings.transport().framing());
        if (deviation != null) {
            warn(FailureCode.RELEASE_MALFORMED.code() + ": the meter's release response (RLRE) is malformed: "
                    + deviation + "; the release is taken as done");
        }
    }

    /** Records a deviation this session tolerated; it reaches the audit log with the session's result. */
    void warn(String warning) {
        warnings.add(warning);
    }

    /** Deviations tolerated in this session (e.g. a malformed release response), for the audit log. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * Gives the session up after {@code reason}: the meter's state in the middle of an abandoned answer is unknown,
     * so the link is closed, and every later call fails with the reason's class and code.
     */
    private void abandon(DlmsException reason) {
        abandonedBy = reason;
        state = State.CLOSED;
        cancelTimer();
        Link l = link;
        link = null;
        if (l != null) {
            l.close();
        }
    }

    /**
     * Ends the association from outside the work running in it, e.g. an operator's reset of a hung association: the
     * request in flight fails at once as DLMS-106 (not retried) with {@code reason}, and the link is dropped without
     * a release. Does nothing more to a session already closed.
     */
    public Future<Void> abort(String reason) {
        return onContext(() -> {
            if (awaiting != null) {
                fail(FailureCode.SESSION_RESET, reason);
            }
            state = State.CLOSED;
            cancelTimer();
            Link l = link;
            link = null;
            return l == null ? Future.succeededFuture() : l.close().otherwiseEmpty();
        });
    }

    /** Drops the link without releasing, e.g. after a failure. */
    public Future<Void> close() {
        return onContext(() -> {
            state = State.CLOSED;
            cancelTimer();
            if (awaiting != null) {
                // the answer can no longer arrive, and its timer is gone: end the request now
                fail(FailureCode.CONNECTION_CLOSED, "session closed while a request was in flight");
            }
            Link l = link;
            link = null;
            return l == null ? Future.succeededFuture() : l.close().otherwiseEmpty();
        });
    }

    /** The frames exchanged so far, hex, oldest first. */
    public List<String> exchange() {
        return log.snapshot();
    }

    /**
     * Bytes this session sent and received so far, as the transport framed them (wrapper header or HDLC frames,
     * ciphering included): what the image transfer benchmark reports as bytes on the wire.
     */
    /**
     * Round trips measured so far (each request we sent until its whole answer was parsed, in nanoseconds), oldest
     * first; at most the latest 32. Requests that failed or timed out are not measured. Read it on the session's
     * context, or once the session ended.
     */
    public long[] roundTripsNanos() {
        int n = Math.min(roundTripCount, ROUND_TRIPS_KEPT);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = roundTrips[(roundTripCount - n + i) % ROUND_TRIPS_KEPT];
        }
        return out;
    }

    public long bytesOnTheWire() {
        return log.bytes();
    }

    private Future<Void> connect(Transport transport) {
        state = State.CONNECTING;
        return transport.connect(settings.host(), settings.port()).compose(l -> {
            link = l;
            l.handler(this::onBytes);
            l.closeHandler(v -> onClosed());
            state = State.ASSOCIATING;
            Future<Void> linkLayer = Future.succeededFuture();
            if (settings.transport().framing() == InterfaceType.HDLC) {
                linkLayer = exchangeAll(() -> new byte[][] {client.snrmRequest()}, r -> client.parseUAResponse(r.getData()));
            }
            return linkLayer.compose(v -> associate());
        }).recover(e -> {
            DlmsException failure = Classifier.classify(e, log.snapshot());
            return close().transform(x -> Future.failedFuture(failure));
        });
    }

    private Future<Void> associate() {
        aarqInFlight = true;
        Future<Void> aare = exchangeAll(() -> {
            byte[][] aarq = client.aarqRequest();
            proposedContextName = contextNameOf(aarq);
            return aarq;
        }, r -> {
            aarqInFlight = false;
            requireProposedContextName(r.getData());
            client.parseAareResponse(r.getData());
        });
        if (client.usesEcdsa()) {
            aare = aare.compose(v -> {
                try {
                    return passThree(ecdsaPasses());
                } catch (java.security.GeneralSecurityException e) {
                    return Future.failedFuture(e);
                }
            });
        } else if (client.getAuthentication().getValue() > Authentication.LOW.getValue()) {
            aare = aare.compose(v -> passThree(exchangeAll(client::getApplicationAssociationRequest,
                    r -> client.parseApplicationAssociationResponse(r.getData()))));
        }
        return aare.map(v -> {
            state = State.ASSOCIATED;
            return null;
        });
    }

    /**
     * HLS pass 3, the reply_to_HLS_authentication ACTION: whatever result other than success the meter gives it
     * (read-write-denied, other-reason, ...) refuses our proof, so it is an authentication failure naming the
     * result. Only this ACTION: the same result to any other call keeps its own class.
     */
    private Future<Void> passThree(Future<Void> action) {
        return action.recover(e -> Future.failedFuture(e instanceof DlmsException d
                && d.getCause() instanceof ResultRefusal refusal
                ? new DlmsException(FailureCode.AUTHENTICATION_FAILED, "the meter refused our HLS proof f(StoC) in "
                        + "pass 3 (reply_to_HLS_authentication) with action-result " + refusal.actionResult()
                        + ": wrong secret, authentication key or signing key", d.exchange(), d)
                : e));
    }

    private int contextNameOf(byte[][] aarq) {
        InterfaceType framing = settings.transport().framing();
        byte[] first = aarq == null || aarq.length == 0 ? null : aarq[0];
        int length = first == null ? -1 : Apdus.frameLength(first, 0, first.length, framing);
        Apdus.Acse acse = length < 0 ? null
                : Apdus.acse(first, Apdus.apduStart(first, 0, length, framing, false), length);
        return acse == null ? -1 : acse.contextName();
    }

    /**
     * Gurux takes an AARE naming another context than proposed for a rejection and makes up its result and
     * diagnostic (PERMANENT_REJECTED / NOT_SUPPORTED). When the AARE says accepted, that is a context-name
     * mismatch: the meter agreed to an association we did not propose (e.g. ciphered where we asked for plain).
     */
    private void requireProposedContextName(GXByteBuffer aare) {
        Apdus.Acse answered = Apdus.acse(aare.getData(), aare.position(), aare.size());
        if (answered == null || answered.result() != 0 || proposedContextName < 0 || answered.contextName() < 0
                || answered.contextName() == proposedContextName) {
            return;
        }
        throw new DlmsException(FailureCode.CONTEXT_NAME_MISMATCH, "AARE accepted with application context "
                + Apdus.describeContextName(answered.contextName()) + " but "
                + Apdus.describeContextName(proposedContextName) + " was proposed", log.snapshot(), null);
    }

    /** HLS-ECDSA passes 3 and 4 with the JCE ({@link EcdsaAuthentication} says why not Gurux's). */
    private Future<Void> ecdsaPasses() throws java.security.GeneralSecurityException {
        SecuritySettings security = settings.security();
        byte[] serverTitle = client.getSourceSystemTitle();
        byte[] fStoC = EcdsaAuthentication.sign(security.suite(), security.clientSigningKey().getPrivate(),
                client.clientSystemTitle(), serverTitle, client.serverToClientChallenge(), client.getCtoSChallenge());
        return exchangeAll(() -> client.method("0.0.40.0.0.255", gurux.dlms.enums.ObjectType.ASSOCIATION_LOGICAL_NAME,
                1, fStoC, DataType.OCTET_STRING), r -> {
            Object fCtoS = r.getValue();
            if (!(fCtoS instanceof byte[] signature) || !EcdsaAuthentication.verify(security.suite(),
                    security.serverSigningKey(), serverTitle, client.clientSystemTitle(), client.getCtoSChallenge(),
                    client.serverToClientChallenge(), signature)) {
                throw new DlmsException(FailureCode.AUTHENTICATION_FAILED, "the meter's HLS-ECDSA signature f(CtoS) "
                        + "does not verify with its registered public key", log.snapshot(), null);
            }
            client.markAuthenticated();
        });
    }

    /** The invocation counter to use next with this key: persist it after the session. */
    public long invocationCounter() {
        return client.getCiphering().getInvocationCounter();
    }

    /** Sends each frame in turn, following block transfer and HDLC segmentation until each answer is whole. */
    /**
     * Frames and blocks one answer may take. A year of 15-minute load profile through a 256-byte PDU over 128-byte
     * HDLC frames is about 7,000; an answer that has not ended by this is not going to.
     */
    public static final int MAX_ROUNDS_PER_ANSWER = 20_000;

    private Future<Void> exchangeAll(Frames request, AnswerHandler onAnswer) {
        Future<Void> chain = Future.succeededFuture();
        byte[][] frames;
        try {
            frames = request.build();
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
        if (frames == null) {
            return chain;
        }
        for (byte[] frame : frames) {
            if (frame == null) {
                continue;
            }
            chain = chain.compose(v -> transact(frame, new GXReplyData()).compose(r -> {
                try {
                    onAnswer.accept(r);
                    return Future.<Void>succeededFuture();
                } catch (Exception e) {
                    return Future.failedFuture(e);
                }
            }));
        }
        return chain;
    }

    /** Builds a request's frames; Gurux declares the JCE's checked exceptions on every builder. */
    @FunctionalInterface
    private interface Frames {
        byte[][] build() throws Exception;
    }

    @FunctionalInterface
    private interface AnswerHandler {
        void accept(GXReplyData answer) throws Exception;
    }

    @FunctionalInterface
    private interface Action<T> {
        Future<T> run() throws Exception;
    }

    private Future<GXReplyData> transact(byte[] frame, GXReplyData answer) {
        Promise<GXReplyData> whole = Promise.promise();
        round(frame, answer, 1, whole);
        return whole.future();
    }

    /**
     * One frame or block of an answer, then the next: a loop rather than a chain of composed futures, so that an
     * answer of thousands of blocks does not complete through thousands of nested callbacks.
     */
    private void round(byte[] frame, GXReplyData answer, int round, Promise<GXReplyData> whole) {
        sendAndAwait(frame, answer).onComplete(sent -> {
            if (sent.failed()) {
                whole.fail(sent.cause());
                return;
            }
            try {
                if (answer.getError() != 0) {
                    throw new DlmsException(Classifier.ofDataAccessResult(answer.getError()),
                            gurux.dlms.enums.ErrorCode.forValue(answer.getError()) + "", log.snapshot(),
                            new ResultRefusal(answer.getError()));
                }
                if (!answer.isMoreData()) {
                    whole.complete(answer);
                    return;
                }
                if (round >= MAX_ROUNDS_PER_ANSWER) {
                    // a meter that keeps sending blocks, never the last, would hold the session and its admission
                    // slot for as long as the link lives (jDLMS does that at small PDUs: interop incompatibility 10)
                    DlmsException tooLong = new DlmsException(FailureCode.ANSWER_TOO_LONG, "no last block after " + round
                            + " frames and blocks (" + answer.getData().size() + " bytes of data): the read is abandoned",
                            log.snapshot(), null);
                    abandon(tooLong);
                    throw tooLong;
                }
                // Streaming GBT pushes the next block unasked; otherwise ask for it.
                round(answer.isStreaming() ? null : client.receiverReady(answer), answer, round + 1, whole);
            } catch (Exception e) {
                whole.fail(e);
            }
        });
    }

    private Future<Void> sendAndAwait(byte[] frame, GXReplyData answer) {
        if (link == null) {
            return Future.failedFuture(new DlmsException(FailureCode.CONNECTION_CLOSED, "link already closed",
                    log.snapshot(), null));
        }
        Promise<Void> promise = Promise.promise();
        awaiting = promise;
        reply = answer;
        if (frame != null) {
            received.clear(); // a new request: leftovers of the previous answer are noise (streamed blocks are kept)
        }
        awaitAtMost(settings.responseTimeout().toMillis());
        if (frame != null) {
            noteDedicated(frame);
            log.sent(frame);
            sentAt = System.nanoTime();
            link.send(Buffer.buffer(frame));
        } else {
            sentAt = -1; // a streamed block nobody asked for: no round trip to measure
        }
        return promise.future();
    }

    /**
     * The request in flight fails after {@code timeoutMs} without its answer. One timer per session serves every request:
     * it fires at the deadline it was set for and, when a later request is in flight by then, waits for that one's
     * deadline; an answer does not cancel it (a timer set and cancelled per request was 4 % of association-service's
     * CPU in a 100,000-meter profile); closing the session does.
     */
    private void awaitAtMost(long timeoutMs) {
        awaitedMs = timeoutMs;
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        if (timer < 0) {
            armTimer(timeoutMs);
        }
    }

    private void armTimer(long delayMs) {
        timer = vertx.setTimer(Math.max(1, delayMs), id -> {
            timer = -1;
            if (awaiting == null) {
                return; // answered; the next request sets a timer again
            }
            long left = deadline - System.nanoTime();
            if (left > 0) {
                armTimer(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            } else {
                timedOut(awaitedMs);
            }
        });
    }

    private void timedOut(long timeoutMs) {
        if (received.size() > 0) {
            // Bytes came but never made a whole frame: a broken or foreign frame, not a silent meter.
            fail(FailureCode.MALFORMED_PDU, "incomplete or unparseable frame: " + received.size()
                    + " bytes received, no complete answer within " + timeoutMs + " ms");
        } else if (aarqInFlight) {
            failWith(UnansweredAarq.failure(settings, timeoutMs, log.snapshot()));
        } else {
            fail(FailureCode.NO_ANSWER, "request unanswered after " + timeoutMs
                    + " ms; the meter accepted the connection but stayed silent");
        }
    }

    /** Frames that start no APDU (HDLC RR, later segments) leave the request's kind as it was. */
    private void noteDedicated(byte[] frame) {
        int tag = Apdus.apduTag(frame, settings.transport().framing(), false);
        if (tag >= 0) {
            dedicatedRequestInFlight = Boolean.TRUE.equals(Apdus.dedicated(tag));
            if (dedicatedRequestInFlight) {
                dedicatedRequests++;
            }
        }
    }

    private void onBytes(Buffer data) {
        byte[] bytes = data.getBytes();
        log.received(bytes);
        if (awaiting == null) {
            // nothing asked: a notification the meter pushed, a late answer after a timeout, or noise; never an answer
            received.set(bytes);
            unaskedFrames();
            return;
        }
        received.set(bytes);
        try {
            GXReplyData notify = new GXReplyData();
            while (awaiting != null && received.available() > 0) {
                int before = received.position();
                // Checked before Gurux reads it, so a replayed APDU is never taken for the answer.
                if (plainNotificationAt(before)) {
                    continue; // the meter's news before our answer: handed on, and the answer is still awaited
                }
                Apdus.CipherHeader ciphered = cipheredFrameAt(before);
                String replayed = ciphered == null ? null : responseCounters.refusal(ciphered);
                if (replayed != null) {
                    received.clear();
                    // the session is CLOSED when the caller hears of the replay; nothing more from this link is trusted
                    state = State.CLOSED;
                    failWith(new DlmsException(FailureCode.REPLAYED_RESPONSE, replayed, log.snapshot(), null));
                    close();
                    return;
                }
                if (!client.getData(received, reply, notify)) {
                    received.position(before); // incomplete frame: wait for the rest
                    return;
                }
                if (ciphered != null) {
                    responseCounters.accept(ciphered);
                }
                boolean notification = notify.getData().size() > 0 || notify.getCommand() != 0;
                byte[] frame = notification
                        ? java.util.Arrays.copyOfRange(received.getData(), before, received.position()) : null;
                received.trim();
                if (notification) {
                    // a notification interleaved with our answer: not the answer, but the meter's news
                    notifiedFrom(notify, frame);
                    notify.clear();
                    continue;
                }
                Promise<Void> p = awaiting;
                awaiting = null; // the timer stays for the next request (awaitAtMost)
                if (sentAt >= 0) {
                    roundTrips[roundTripCount++ % ROUND_TRIPS_KEPT] = System.nanoTime() - sentAt;
                    sentAt = -1;
                }
                p.complete();
            }
            if (awaiting == null && received.available() > 0) {
                unaskedFrames(); // frames after the answer (a notification the meter sent right after it)
            }
        } catch (Exception e) {
            received.clear();
            failWith(Classifier.classify(e, log.snapshot()));
        }
    }

    /**
     * A whole plain DataNotification or EventNotification at {@code at} (Gurux's client takes one for an incomplete
     * answer): decoded by {@link PushDecoder}, handed on and consumed. False when the frame there is something else.
     */
    private boolean plainNotificationAt(int at) {
        InterfaceType framing = settings.transport().framing();
        int length = Apdus.frameLength(received.getData(), at, received.size(), framing);
        if (length < 0) {
            return false;
        }
        byte[] frame = java.util.Arrays.copyOfRange(received.getData(), at, at + length);
        int tag = Apdus.apduTag(frame, framing, true);
        if (tag != 0x0F && tag != 0xC2) {
            return false;
        }
        received.position(at + length);
        received.trim();
        try {
            notified(PushDecoder.decode(frame, null));
        } catch (DlmsException e) {
            warn(e.code().code() + ": a notification from the meter did not parse (" + e.detail() + ")");
        }
        return true;
    }

    /** Whole frames that arrived while nothing was asked: notifications go to the handler, anything else is dropped. */
    private void unaskedFrames() {
        InterfaceType framing = settings.transport().framing();
        while (received.available() > 0) {
            byte[] b = received.getData();
            int at = received.position();
            int end = received.size();
            int length = Apdus.frameLength(b, at, end, framing);
            if (length < 0) {
                if (end - at > PushDecoder.MAX_FRAME || PushDecoder.framingAt(b, at, end) == null) {
                    received.clear(); // noise: nothing to resynchronise on
                }
                return;
            }
            byte[] frame = java.util.Arrays.copyOfRange(b, at, at + length);
            received.position(at + length);
            received.trim();
            int tag = Apdus.apduTag(frame, framing, true);
            if (tag < 0 || !PushDecoder.mayBeNotification(tag)) {
                continue; // a late answer
            }
            try {
                GXReplyData notify = new GXReplyData();
                if (tag != 0xC2) { // a plain EventNotification is read by PushDecoder alone
                    client.getData(new GXByteBuffer(frame), new GXReplyData(), notify);
                }
                notifiedFrom(notify, frame);
            } catch (Exception e) {
                warn(FailureCode.MALFORMED_PDU.code() + ": an unasked frame looked like a notification and did not "
                        + "parse (" + e.getMessage() + ")");
            }
        }
    }

    private void notifiedFrom(GXReplyData notify, byte[] frame) {
        PushDecoder.Envelope envelope;
        try {
            envelope = PushDecoder.envelope(frame);
        } catch (RuntimeException e) {
            envelope = null;
        }
        Notification n;
        try {
            n = PushDecoder.notification(notify, frame, envelope);
        } catch (RuntimeException e) {
            warn(FailureCode.MALFORMED_PDU.code() + ": a notification from the meter did not parse (" + e.getMessage()
                    + ")");
            return;
        }
        if (n != null) {
            notified(n);
        }
    }

    /**
     * The security header of the ciphered APDU starting in the complete frame at {@code at} (also the
     * glo-initiateResponse inside an AARE), or null. APDUs inside general-block-transfer blocks are not seen.
     */
    private Apdus.CipherHeader cipheredFrameAt(int at) {
        byte[] b = received.getData();
        InterfaceType framing = settings.transport().framing();
        int length = Apdus.frameLength(b, at, received.size(), framing);
        int start = length < 0 ? -1 : Apdus.apduStart(b, at, length, framing, true);
        if (start < 0) {
            return null;
        }
        int end = at + length - (framing == InterfaceType.HDLC ? 3 : 0); // HDLC: FCS and closing flag
        if ((b[start] & 0xFF) == Apdus.AARE) {
            Apdus.Acse aare = Apdus.acse(b, start, end);
            return aare == null ? null : Apdus.cipherHeader(b, aare.userInformationStart(), aare.userInformationEnd());
        }
        return Apdus.cipherHeader(b, start, end);
    }

    private void onClosed() {
        Link was = link;
        link = null;
        if (was == null || awaiting == null) {
            state = State.CLOSED;
            return;
        }
        state = State.CLOSED;
        if (aarqInFlight) {
            fail(FailureCode.CLOSED_AFTER_AARQ, "the meter closed the connection without an AARE: likely a wrong "
                    + "password, key or client address, not a network fault");
        } else if (dedicatedRequestInFlight && dedicatedRequests == 1) {
            // Same reasoning as DLMS-402: a meter that cannot decipher often just drops the link, and here the
            // only new thing it had to decipher was the dedicated key proposed in the AARQ.
            fail(FailureCode.CLOSED_AFTER_DEDICATED_KEY, "the meter closed the link right after the first APDU "
                    + "ciphered with the dedicated key: it probably ignored the dedicated key proposed in the AARQ");
        } else {
            fail(FailureCode.CONNECTION_CLOSED, "closed while a request was in flight");
        }
    }

    private void fail(FailureCode code, String detail) {
        failWith(new DlmsException(code, detail, log.snapshot(), null));
    }

    private void failWith(DlmsException failure) {
        Promise<Void> p = awaiting;
        awaiting = null;
        cancelTimer();
        if (p != null) {
            p.tryFail(failure);
        }
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void requireAssociated() {
        if (state == State.CLOSED && abandonedBy != null) {
            throw new DlmsException(abandonedBy.code(), "the session to " + settings.target() + " was closed after "
                    + abandonedBy.code().code() + " (" + abandonedBy.detail() + ")", log.snapshot(), abandonedBy);
        }
        if (state != State.ASSOCIATED) {
            throw new IllegalStateException("session to " + settings.target() + " is " + state + ", not ASSOCIATED");
        }
    }

    /** Runs {@code action} on the session's context; anything it throws becomes a classified failure. */
    private <T> Future<T> onContext(Action<T> action) {
        if (Vertx.currentContext() == context) {
            return guarded(action);
        }
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> guarded(action).onComplete(promise));
        return promise.future();
    }

    private <T> Future<T> guarded(Action<T> action) {
        try {
            return action.run().recover(e -> Future.failedFuture(Classifier.classify(e, log.snapshot())));
        } catch (IllegalStateException e) {
            return Future.failedFuture(e);
        } catch (Exception e) {
            return Future.failedFuture(Classifier.classify(e, log.snapshot()));
        }
    }
}
