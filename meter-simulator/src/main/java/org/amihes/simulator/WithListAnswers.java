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
 * Keeps every GET-with-list answer well-formed, however long. Gurux 4.0.47's server gets two things wrong there: an
 * item in error is written as a bare result byte followed by the value, and an answer larger than the PDU goes out
 * as a first block with the wrong response type (03) and no raw-data choice, the rest being dropped. So each item is
 * encoded here (as Gurux would encode it), an item in error as data-access-result. An answer that fits the
 * negotiated PDU is left to Gurux. A longer one goes by block transfer (Get-Response-With-Datablock, when the
 * association negotiated block-transfer-with-get-or-read): {@link #fit} returns the whole list result, the item
 * count and every Get-Data-Result, which {@link WithListBlocks} sends in blocks, and turns the items into a short
 * placeholder answer for Gurux that those blocks replace. Without that conformance the items that no longer fit
 * are answered with other-reason, so the client still gets the values that fit, in order.
 */
final class WithListAnswers {

    /** Room Gurux keeps for a ciphering header and tag (GXDLMS.CIPHERING_HEADER_SIZE) and for a system title. */
    private static final int CIPHERING_RESERVE = 7 + 12 + 3;
    private static final int SYSTEM_TITLE_RESERVE = 9;

    private WithListAnswers() {
    }

    /**
     * Encodes every item of a GET-with-list. Returns null when Gurux can send the answer as it now stands, or the
     * encoded list result (count, then each item's result choice and value or data-access-result) when it has to go
     * in blocks; the items are then a placeholder for Gurux (other-reason each), short enough for any frame.
     */
    static byte[] fit(ValueEventArgs[] args, GXDLMSSettings settings) {
        // the same room Gurux computes before it falls back to its broken blocks (GXDLMS.multipleBlocks)
        boolean systemTitle = settings.getNegotiatedConformance().contains(Conformance.GENERAL_PROTECTION);
        int room = settings.getMaxPduSize() - (settings.isCiphered(true) ? CIPHERING_RESERVE : 0)
                - (systemTitle ? SYSTEM_TITLE_RESERVE : 0);
        int used = 3 + GXCommon.getObjectCountSizeInBytes(args.length); // tag, type, invoke-id, count
        int[] sizes = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            sizes[i] = encode(args[i], settings);
            used += sizes[i];
        }
        if (used <= room) {
            return null;
        }
        if (settings.getNegotiatedConformance().contains(Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ)) {
            GXByteBuffer list = new GXByteBuffer();
            GXCommon.setObjectCount(args.length, list);
            for (ValueEventArgs e : args) {
                list.setUInt8(e.getError().getValue()); // 0: data, 1: data-access-result (see answerError)
                list.set((byte[]) e.getValue());
                SimulatedMeter.answerError(e, true, ErrorCode.OTHER_REASON);
            }
            return list.array();
        }
        used = 3 + GXCommon.getObjectCountSizeInBytes(args.length);
        for (int i = 0; i < args.length; i++) {
            if (used + sizes[i] > room) {
                SimulatedMeter.answerError(args[i], true, ErrorCode.OTHER_REASON);
                sizes[i] = 2;
            }
            used += sizes[i];
        }
        return null;
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
