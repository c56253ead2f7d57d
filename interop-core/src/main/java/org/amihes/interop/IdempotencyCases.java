package org.amihes.interop;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.enums.DataType;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSImageTransfer;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.SessionSettings;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureClass;
import org.amihes.dlms.failure.FailureCode;
import org.amihes.interop.TransportCases.Simple;

/**
 * Idempotency of the writes the field manual names: a relay disconnect sent twice switches once; the installed
 * firmware image is refused for re-write by the bootloader. Both operate the meter: they run only when the run
 * allows writes, over the management association.
 */
final class IdempotencyCases {

    private IdempotencyCases() {
    }

    /** disconnect control's control_state (attribute 3): 0 disconnected, 1 connected, 2 ready for reconnection */
    private static final int DISCONNECTED = 0;

    static final InteropCase DISCONNECT = new Simple("idempotency.disconnect", Area.IDEMPOTENCY,
            "remote_disconnect twice: the first switches the relay, the second changes nothing; reconnect after") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            String skip = needsWrites(probe, d == null ? null : d.disconnectControlObis(), "disconnect control");
            if (skip != null) {
                return Future.succeededFuture(Outcome.skipped(skip));
            }
            GXDLMSDisconnectControl dc = new GXDLMSDisconnectControl(d.disconnectControlObis());
            Map<String, Object> facts = new LinkedHashMap<>();
            return probe.in(probe.target().management(), session -> state(session, dc)
                    .compose(before -> {
                        facts.put("stateBefore", before);
                        return session.invoke(dc, 1, null, null).compose(v -> state(session, dc));
                    })
                    .compose(once -> {
                        facts.put("stateAfterFirst", once);
                        return session.invoke(dc, 1, null, null).compose(v -> state(session, dc));
                    })
                    .compose(twice -> {
                        facts.put("stateAfterSecond", twice);
                        List<String> exchange = session.exchange();
                        // leave the meter as found as far as the meter lets us: remote_reconnect
                        return session.invoke(dc, 2, null, null).compose(v -> state(session, dc)).map(after -> {
                            facts.put("stateAfterReconnect", after);
                            return judge(facts, exchange);
                        });
                    })).map(done -> done.value()).otherwise(Outcome::failed);
        }

        private Outcome judge(Map<String, Object> facts, List<String> exchange) {
            int once = (Integer) facts.get("stateAfterFirst");
            int twice = (Integer) facts.get("stateAfterSecond");
            if (once != DISCONNECTED) {
                return Outcome.fail(FailureCode.UNEXPECTED_VALUE, "after remote_disconnect control_state is " + once
                        + ", not 0 (disconnected)", exchange, facts);
            }
            if (twice != once) {
                return Outcome.fail(FailureCode.UNEXPECTED_VALUE, "the second remote_disconnect changed control_state "
                        + "from " + once + " to " + twice, exchange, facts);
            }
            return Outcome.pass("control_state " + facts.get("stateBefore") + " -> " + once + " -> " + twice
                    + " (unchanged by the repeat); after remote_reconnect " + facts.get("stateAfterReconnect"), facts);
        }

        private Future<Integer> state(DlmsSession session, GXDLMSDisconnectControl dc) {
            return session.read(dc, 3).map(v -> ((Number) v).intValue());
        }
    };

    static final InteropCase FIRMWARE_REWRITE = new Simple("idempotency.firmware-rewrite", Area.IDEMPOTENCY,
            "image_transfer_initiate with the installed image's identifier is refused; nothing is written") {
        @Override
        public Future<Outcome> run(ProbeContext probe) {
            MeterDeclaration d = probe.target().declaration();
            String skip = needsWrites(probe, d == null ? null : d.imageTransferObis(), "image transfer");
            if (skip != null) {
                return Future.succeededFuture(Outcome.skipped(skip));
            }
            GXDLMSImageTransfer it = new GXDLMSImageTransfer(d.imageTransferObis());
            return probe.in(probe.target().management(), session -> session.read(new GXDLMSData(d.firmwareObis()), 2)
                    .compose(installed -> {
                        String id = ObjectCases.text(installed);
                        return session.invoke(it, 1, initiate(id, 1024), DataType.ARRAY).transform(ar -> {
                            if (ar.succeeded()) {
                                return Future.succeededFuture(Outcome.fail(FailureClass.VENDOR, "the bootloader "
                                        + "accepted image_transfer_initiate for the installed image " + id
                                        + ": a repeated campaign would rewrite the flash", session.exchange()));
                            }
                            DlmsException e = Classifier.classify(ar.cause(), session.exchange());
                            if (e.code() == FailureCode.REFUSED_BY_METER || e.code() == FailureCode.DATA_ACCESS_ERROR) {
                                return Future.succeededFuture(Outcome.pass("re-write of the installed image " + id
                                        + " refused: " + e.getMessage(), Map.of("installed", id, "refusal", e.code().code())));
                            }
                            return Future.succeededFuture(Outcome.failed(e).withReason("image_transfer_initiate of the "
                                    + "installed image failed otherwise than by the meter's refusal: "));
                        });
                    })).map(done -> done.value()).otherwise(Outcome::failed);
        }
    };

    private static String needsWrites(ProbeContext probe, String obis, String what) {
        SessionSettings m = probe.target().management();
        if (!probe.options().allowWrites()) {
            return "the run does not allow writes (this case operates the meter; allow them with allowWrites / "
                    + "--allow-writes)";
        }
        if (m == null) {
            return probe.target().whyNoManagement();
        }
        if (probe.target().declaration() == null) {
            return ObjectCases.noDeclaration(probe);
        }
        if (obis == null) {
            return "the declaration of " + probe.target().declaration().vendor() + " names no " + what;
        }
        return null;
    }

    /** image_transfer_initiate's parameter: structure {image_identifier, image_size} (IEC 62056-6-2, class 18). */
    static byte[] initiate(String identifier, long size) {
        GXByteBuffer data = new GXByteBuffer();
        data.setUInt8(DataType.STRUCTURE.getValue());
        data.setUInt8(2);
        GXCommon.setData(null, data, DataType.OCTET_STRING, identifier.getBytes(StandardCharsets.US_ASCII));
        GXCommon.setData(null, data, DataType.UINT32, size);
        return data.array();
    }
}
