package org.amihes.simulator;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSConverter;
import gurux.dlms.GXDLMSSettings;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.Conformance;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSObject;

/**
 * Keeps every GET-with-list answer well-formed and within one PDU. Gurux 4.0.47's server gets two things wrong
 * there: an item in error is written as a bare result byte followed by the value, and an answer larger than the PDU
 * goes out as a first block with the wrong response type and no raw-data choice, the rest being dropped. So each
 * item is encoded here (as Gurux would encode it), an error item as data-access-result, and the items that no longer
 * fit the negotiated PDU are answered with other-reason: the client gets the values that fit in one PDU, in order.
 */
final class WithListAnswers {

    /** Room Gurux keeps for a ciphering header and tag (GXDLMS.CIPHERING_HEADER_SIZE) and for a system title. */
    private static final int CIPHERING_RESERVE = 7 + 12 + 3;
    private static final int SYSTEM_TITLE_RESERVE = 9;

    private WithListAnswers() {
    }

    static void fit(ValueEventArgs[] args, GXDLMSSettings settings) {
        // the same room Gurux computes before it falls back to its broken blocks (GXDLMS.multipleBlocks)
        boolean systemTitle = settings.getNegotiatedConformance().contains(Conformance.GENERAL_PROTECTION);
        int room = settings.getMaxPduSize() - (settings.isCiphered(true) ? CIPHERING_RESERVE : 0)
                - (systemTitle ? SYSTEM_TITLE_RESERVE : 0);
        int used = 3 + GXCommon.getObjectCountSizeInBytes(args.length); // tag, type, invoke-id, count
        for (ValueEventArgs e : args) {
            int size = encode(e, settings);
            if (used + size > room) {
                SimulatedMeter.answerError(e, true, ErrorCode.OTHER_REASON);
                size = 2;
            }
            used += size;
        }
    }

    /** Makes the item a handled byte array (value or data-access-result); returns its size with the result choice. */
    private static int encode(ValueEventArgs e, GXDLMSSettings settings) {
        if (e.getError() != ErrorCode.OK) { // object undefined (already answered) or access denied by Gurux
            if (!e.getHandled()) {
                SimulatedMeter.answerError(e, true, e.getError());
            }
            return 2;
        }
        byte[] encoded;
        if (e.getHandled()) {
            encoded = (byte[]) e.getValue(); // a profile buffer, encoded by ProfileReads
        } else {
            try {
                Object value = e.getTarget().getValue(settings, e);
                if (e.getError() != ErrorCode.OK) {
                    SimulatedMeter.answerError(e, true, e.getError());
                    return 2;
                }
                encoded = encode(e.getTarget(), e.getIndex(), value);
            } catch (RuntimeException unreadable) {
                SimulatedMeter.answerError(e, true, ErrorCode.READ_WRITE_DENIED);
                return 2;
            }
            e.setValue(encoded);
            e.setByteArray(true);
            e.setHandled(true);
        }
        return 1 + encoded.length;
    }

    /** The value the way Gurux's own with-list encoder writes it (GXDLMS.appendData), correct for one item. */
    private static byte[] encode(GXDLMSObject target, int index, Object value) {
        GXByteBuffer bb = new GXByteBuffer();
        DataType type = target.getDataType(index);
        if (type == DataType.ARRAY && value instanceof byte[] preEncoded) {
            return preEncoded;
        }
        if (type == DataType.NONE) {
            type = GXDLMSConverter.getDLMSDataType(value);
            if (type == DataType.DATETIME) {
                type = DataType.OCTET_STRING;
            }
        } else if (value instanceof String s && type == DataType.OCTET_STRING
                && target.getUIDataType(index) == DataType.STRING) {
            value = s.getBytes();
        }
        GXCommon.setData(null, bb, type, value);
        return bb.array();
    }
}
