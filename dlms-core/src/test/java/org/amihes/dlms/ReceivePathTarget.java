package org.amihes.dlms;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXReplyData;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import java.util.Arrays;
import java.util.List;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.dlms.transport.TransportKind;

/**
 * The fuzz target of the DLMS receive path: what a meter sends, as bytes, through what {@link DlmsSession} does with
 * them (its {@code onBytes} loop and the answer handling of {@code read}), without a socket or an event loop, so
 * that one input is one deterministic run. Used by {@code ./hes fuzz} (Jazzer, coverage-guided) and by
 * {@link ReceivePathCorpusTest} (the kept corpus, in every build).
 *
 * <p>Input: byte 0 chooses the framing (bit 0: wrapper or HDLC) and what is read after the association (bits 1-2: a
 * register's value, its scaler_unit, a profile's buffer, the clock); the rest is everything the meter sends, in
 * one stream: over HDLC a UA, then the AARE, then the GET response, in blocks if it likes. Per answer, the same
 * steps as the session: dlms-core's own frame and APDU checks ({@link Apdus}: frame length, APDU start, ACSE fields,
 * security header), then Gurux's {@code getData}, an incomplete frame waiting for more, an event notification
 * skipped, a block asked for with {@code receiverReady}, and the value decoded with {@code updateValue}.
 *
 * <p>Every run ends in an {@link Outcome}: read, incomplete (the session's timer then fails it as DLMS-102 or
 * MALFORMED_PDU) or failed with a {@link FailureCode} from {@link Classifier}. Anything else that escapes (an
 * {@link Error}, a failure the classifier cannot place) or an answer that consumes no byte is a finding.
 */
public final class ReceivePathTarget {

    /** How one input ended. {@code code} is null unless the receive path failed it. */
    public record Outcome(Kind kind, FailureCode code) {
        public enum Kind { READ, INCOMPLETE, FAILED }
    }

    /** One answer the target waits for: the UA, the AARE, or a GET of {@code attribute} of {@code object}. */
    private record Step(String kind, GXDLMSObject object, int attribute) {
    }

    private ReceivePathTarget() {
    }

    /**
     * Jazzer calls this once before the first input: the kept corpus is run through once, so that the classes it
     * reaches are loaded and instrumented (seconds each on a loaded machine) before the per-input timeout runs.
     */
    public static void fuzzerInitialize() throws java.io.IOException {
        java.nio.file.Path corpus = java.nio.file.Path.of("src/test/resources/fuzz/receive-path");
        if (java.nio.file.Files.isDirectory(corpus)) {
            try (var files = java.nio.file.Files.list(corpus)) {
                for (java.nio.file.Path f : files.sorted().toList()) {
                    run(java.nio.file.Files.readAllBytes(f));
                }
            }
        }
    }

    /** Jazzer's entry point. */
    public static void fuzzerTestOneInput(byte[] input) {
        run(input);
    }

    public static Outcome run(byte[] input) {
        if (input.length == 0) {
            return new Outcome(Outcome.Kind.INCOMPLETE, null);
        }
        int mode = input[0] & 0xFF;
        TransportKind transport = (mode & 1) == 0 ? TransportKind.TCP_WRAPPER : TransportKind.TCP_HDLC;
        DlmsClient client = new DlmsClient(SessionSettings.publicClient("meter", 4059, transport));
        List<Step> steps = steps(transport == TransportKind.TCP_HDLC, (mode >> 1) & 3);
        GXByteBuffer received = new GXByteBuffer(Arrays.copyOfRange(input, 1, input.length));
        GXReplyData reply = new GXReplyData();
        GXReplyData notify = new GXReplyData();
        int step = 0;
        try {
            request(client, steps.get(step));
            while (step < steps.size() && received.available() > 0) {
                int before = received.available();
                checkFrame(received, received.position(), transport);
                if (!client.getData(received, reply, notify)) {
                    return new Outcome(Outcome.Kind.INCOMPLETE, null); // the session waits for more, then times out
                }
                if (received.available() >= before) {
                    // the session's loop (while bytes are available) would spin on the event loop for ever
                    throw new AssertionError("a complete answer that consumed no byte: " + before + " bytes left");
                }
                received.trim();
                if (notify.getData().size() > 0) {
                    notify.clear();
                    continue;
                }
                if (reply.getError() != 0) {
                    throw new DlmsException(Classifier.ofDataAccessResult(reply.getError()), "data-access-result "
                            + reply.getError(), List.of(), new ResultRefusal(reply.getError()));
                }
                if (reply.isMoreData()) {
                    if (!reply.isStreaming()) {
                        client.receiverReady(reply); // the session sends it and waits for the next block
                    }
                    continue;
                }
                answered(client, steps.get(step), reply);
                reply = new GXReplyData();
                if (++step < steps.size()) {
                    request(client, steps.get(step));
                }
            }
            return new Outcome(step == steps.size() ? Outcome.Kind.READ : Outcome.Kind.INCOMPLETE, null);
        } catch (Exception e) {
            DlmsException failure = Classifier.classify(e, List.of());
            if (failure.code() == null || failure.failureClass() == null) {
                throw new AssertionError("unclassified failure of the receive path", e);
            }
            return new Outcome(Outcome.Kind.FAILED, failure.code());
        }
    }

    /**
     * The session's answers for one input: over HDLC the UA, the AARE, then the reads of {@code kind}: 0 a register's
     * value, 1 its scaler_unit, 2 a profile's capture objects then its buffer by entry (the columns come from the
     * meter, as in {@code DlmsSession.readRowsByEntry}), 3 the clock.
     */
    private static List<Step> steps(boolean hdlc, int kind) {
        List<Step> steps = new java.util.ArrayList<>();
        if (hdlc) {
            steps.add(new Step("UA", null, 0));
        }
        steps.add(new Step("AARE", null, 0));
        switch (kind) {
            case 0 -> steps.add(new Step("GET", new GXDLMSRegister("1.0.1.8.0.255"), 2));
            case 1 -> steps.add(new Step("GET", new GXDLMSRegister("1.0.1.8.0.255"), 3));
            case 2 -> {
                GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric("1.0.99.1.0.255");
                steps.add(new Step("GET", pg, 3));
                steps.add(new Step("ROWS", pg, 2));
            }
            default -> steps.add(new Step("GET", new GXDLMSClock("0.0.1.0.0.255"), 2));
        }
        return steps;
    }

    /** What the session sends before the answer (only for its effect on the client's state). */
    private static void request(DlmsClient client, Step step) throws Exception {
        switch (step.kind()) {
            case "UA" -> client.snrmRequest();
            case "AARE" -> client.aarqRequest();
            case "ROWS" -> client.readRowsByEntry((GXDLMSProfileGeneric) step.object(), 1, 96);
            default -> client.read(step.object(), step.attribute());
        }
    }

    private static void answered(DlmsClient client, Step step, GXReplyData reply) throws Exception {
        switch (step.kind()) {
            case "UA" -> client.parseUAResponse(reply.getData());
            case "AARE" -> client.parseAareResponse(reply.getData());
            default -> client.updateValue(step.object(), step.attribute(), reply.getValue());
        }
    }

    /** dlms-core's own reading of a frame, as {@code DlmsSession.cipheredFrameAt} does it: never throws. */
    private static void checkFrame(GXByteBuffer received, int at, TransportKind transport) {
        byte[] b = received.getData();
        var framing = transport.framing();
        int length = Apdus.frameLength(b, at, received.size(), framing);
        int start = length < 0 ? -1 : Apdus.apduStart(b, at, length, framing, true);
        if (start < 0) {
            return;
        }
        int end = at + length - (framing == gurux.dlms.enums.InterfaceType.HDLC ? 3 : 0);
        if ((b[start] & 0xFF) == Apdus.AARE) {
            Apdus.Acse aare = Apdus.acse(b, start, end);
            if (aare != null) {
                Apdus.cipherHeader(b, aare.userInformationStart(), aare.userInformationEnd());
            }
        } else {
            Apdus.cipherHeader(b, start, end);
        }
    }
}
