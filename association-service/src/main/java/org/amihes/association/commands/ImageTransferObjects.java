package org.amihes.association.commands;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.enums.DataType;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSImageTransfer;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import org.amihes.dlms.DlmsSession;

/**
 * The image transfer object (class 18, IEC 62056-6-2 4.4.6) as the firmware commands use it: its attributes and the
 * encoded parameters of its methods.
 */
final class ImageTransferObjects {

    static final String IMAGE_TRANSFER = "0.0.44.0.0.255";
    static final String ACTIVE_FIRMWARE = "1.0.0.2.0.255";
    static final String LOGICAL_DEVICE_NAME = "0.0.42.0.0.255";

    static final int BLOCK_SIZE = 2;
    static final int TRANSFERRED_BLOCKS = 3;
    static final int FIRST_NOT_TRANSFERRED = 4;
    static final int TRANSFER_STATUS = 6;

    static final int INITIATE = 1;
    static final int BLOCK_TRANSFER = 2;
    static final int VERIFY = 3;
    static final int ACTIVATE = 4;

    private ImageTransferObjects() {
    }

    static GXDLMSImageTransfer imageTransfer() {
        return new GXDLMSImageTransfer(IMAGE_TRANSFER);
    }

    /** image_transfer_initiate's parameter: structure {image_identifier octet-string, image_size double-long-unsigned}. */
    static byte[] initiate(String identifier, long size) {
        GXByteBuffer data = new GXByteBuffer();
        data.setUInt8(DataType.STRUCTURE.getValue());
        data.setUInt8(2);
        GXCommon.setData(null, data, DataType.OCTET_STRING, identifier.getBytes(StandardCharsets.US_ASCII));
        GXCommon.setData(null, data, DataType.UINT32, size);
        return data.array();
    }

    /** image_block_transfer's parameter: structure {image_block_number double-long-unsigned, image_block_value octet-string}. */
    static byte[] block(long number, byte[] bytes, int from, int length) {
        byte[] value = java.util.Arrays.copyOfRange(bytes, from, from + length);
        GXByteBuffer data = new GXByteBuffer(length + 12);
        data.setUInt8(DataType.STRUCTURE.getValue());
        data.setUInt8(2);
        GXCommon.setData(null, data, DataType.UINT32, number);
        GXCommon.setData(null, data, DataType.OCTET_STRING, value);
        return data.array();
    }

    static Future<Integer> status(DlmsSession session) {
        return session.read(imageTransfer(), TRANSFER_STATUS).map(ImageTransferObjects::intOf);
    }

    static int intOf(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof Enum<?> e) {
            return e.ordinal();
        }
        throw new IllegalArgumentException("not a number: " + value);
    }

    static long longOf(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("not a number: " + value);
    }

    static String ascii(Object value) {
        if (value instanceof byte[] b) {
            return new String(b, StandardCharsets.US_ASCII);
        }
        return value == null ? null : value.toString();
    }
}
