package org.amihes.simulator;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSSettings;
import gurux.dlms.enums.DataType;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSCaptureObject;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map.Entry;

/**
 * Answers a read of a profile generic's buffer (attribute 2) from {@link ProfileRows}: no selective access, by range
 * (selector 1) or by entry (selector 2), with column selection, encoded here rather than by Gurux (whose server
 * re-filters the rows it is given and would need the whole buffer in memory).
 */
final class ProfileReads {

    private ProfileReads() {
    }

    /**
     * The encoded array of rows the request selects.
     *
     * @throws IllegalArgumentException when the selective access is unknown or its parameters are invalid
     */
    static byte[] read(GXDLMSSettings settings, GXDLMSProfileGeneric pg, ProfileRows rows, int selector,
                       Object parameters, Instant now) {
        int columnCount = pg.getCaptureObjects().size();
        long inUse = rows.entriesInUse(now);
        List<Object[]> selected;
        int[] columns;
        if (selector == 0 || parameters == null) {
            selected = rows.byEntry(1, inUse, now);
            columns = range(0, columnCount - 1);
        } else if (selector == 1) {
            List<?> p = (List<?>) parameters;
            selected = rows.byRange(CosemTime.toInstant(p.get(1)), CosemTime.toInstant(p.get(2)), now);
            columns = selectedColumns(pg, p.size() > 3 ? (List<?>) p.get(3) : List.of());
        } else if (selector == 2) {
            List<?> p = (List<?>) parameters;
            long first = Math.max(1, number(p.get(0)));
            long last = number(p.get(1)) == 0 ? inUse : Math.min(inUse, number(p.get(1)));
            selected = first > last ? List.of() : rows.byEntry(first, last, now);
            int fromColumn = p.size() > 2 ? (int) Math.max(1, number(p.get(2))) : 1;
            int toColumn = p.size() > 3 && number(p.get(3)) != 0 ? (int) number(p.get(3)) : columnCount;
            if (fromColumn > toColumn || toColumn > columnCount) {
                throw new IllegalArgumentException("columns " + fromColumn + ".." + toColumn + " of " + columnCount);
            }
            columns = range(fromColumn - 1, toColumn - 1);
        } else {
            throw new IllegalArgumentException("selective access " + selector + " not supported");
        }
        return encode(settings, rows.columnTypes(), selected, columns);
    }

    private static byte[] encode(GXDLMSSettings settings, DataType[] types, List<Object[]> rows, int[] columns) {
        GXByteBuffer out = new GXByteBuffer();
        out.setUInt8(DataType.ARRAY.getValue());
        GXCommon.setObjectCount(rows.size(), out);
        for (Object[] row : rows) {
            out.setUInt8(DataType.STRUCTURE.getValue());
            GXCommon.setObjectCount(columns.length, out);
            for (int c : columns) {
                Object value = row[c] instanceof Instant at ? CosemTime.of(at) : row[c];
                GXCommon.setData(settings, out, value == null ? DataType.NONE : types[c], value);
            }
        }
        return out.array();
    }

    /** Indexes of the capture objects a by-range read asks for; all of them when the list is empty. */
    private static int[] selectedColumns(GXDLMSProfileGeneric pg, List<?> wanted) {
        List<Entry<GXDLMSObject, GXDLMSCaptureObject>> captured = pg.getCaptureObjects();
        if (wanted.isEmpty()) {
            return range(0, captured.size() - 1);
        }
        List<Integer> columns = new ArrayList<>();
        for (Object w : wanted) {
            List<?> d = (List<?>) w;
            int index = indexOf(captured, (int) number(d.get(0)), GXCommon.toLogicalName((byte[]) d.get(1)),
                    (int) number(d.get(2)), (int) number(d.get(3)));
            if (index < 0) {
                throw new IllegalArgumentException("not a capture object: " + d);
            }
            columns.add(index);
        }
        return columns.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int indexOf(List<Entry<GXDLMSObject, GXDLMSCaptureObject>> captured, int classId, String ln,
                               int attribute, int dataIndex) {
        for (int i = 0; i < captured.size(); i++) {
            Entry<GXDLMSObject, GXDLMSCaptureObject> c = captured.get(i);
            if (c.getKey().getObjectType().getValue() == classId && c.getKey().getLogicalName().equals(ln)
                    && c.getValue().getAttributeIndex() == attribute && c.getValue().getDataIndex() == dataIndex) {
                return i;
            }
        }
        return -1;
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("not a number: " + value);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[Math.max(0, to - from + 1)];
        Arrays.setAll(r, i -> from + i);
        return r;
    }
}
