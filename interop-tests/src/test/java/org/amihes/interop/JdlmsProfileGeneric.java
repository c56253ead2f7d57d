package org.amihes.interop;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.IllegalAttributeAccessException;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.SelectiveAccessDescription;
import org.openmuc.jdlms.datatypes.CosemDateFormat.Field;
import org.openmuc.jdlms.datatypes.CosemDateTime;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/**
 * COSEM Profile generic (class id 7, version 1) served by jDLMS, with a fixed buffer given by the test. jDLMS leaves
 * a class's behaviour to its user, so selective access on the buffer (attribute 2) is implemented here the way
 * IEC 62056-6-2 (Blue Book, class 7) describes it:
 * <ul>
 * <li>selector 1, range_descriptor {restricting_object, from_value, to_value, selected_values}: the rows whose
 * restricting column lies within [from_value, to_value] (both inclusive); date-times compare as instants (UTC =
 * local time + deviation, deviation 0x8000 "not specified" read as 0); selected_values empty: every column, else
 * the listed capture objects in the listed order</li>
 * <li>selector 2, entry_descriptor {from_entry, to_entry, from_selected_value, to_selected_value}: entries and
 * columns 1-based and inclusive, to_entry 0 the newest entry, to_selected_value 0 the last column; entries beyond
 * those in use are not returned</li>
 * </ul>
 * Parameters that do not fit are refused with data-access-result other-reason. Attributes 3 to 8 are read-only
 * values; the methods (reset, capture) are not offered.
 */
@CosemClass(id = 7, version = 1)
public final class JdlmsProfileGeneric extends CosemInterfaceObject {

    /** capture_object_definition: class_id, logical_name, attribute_index, data_index */
    record CaptureObject(int classId, String obis, int attribute, int dataIndex) {

        DataObject encode() {
            return DataObject.newStructureData(DataObject.newUInteger16Data(classId),
                    DataObject.newOctetStringData(new ObisCode(obis).bytes()),
                    DataObject.newInteger8Data((byte) attribute), DataObject.newUInteger16Data(dataIndex));
        }

        static CaptureObject decode(DataObject d) throws IllegalAttributeAccessException {
            List<DataObject> f = structure(d, 4);
            return new CaptureObject(number(f.get(0)).intValue(), new ObisCode((byte[]) octets(f.get(1))).asDecimalString(),
                    number(f.get(2)).intValue(), number(f.get(3)).intValue());
        }
    }

    @CosemAttribute(id = 2, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY, selector = {1, 2})
    private DataObject buffer;

    @CosemAttribute(id = 3, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject captureObjects;

    @CosemAttribute(id = 4, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject capturePeriod;

    /** 1: fifo (the order of capture) */
    @CosemAttribute(id = 5, type = Type.ENUMERATE, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject sortMethod;

    /** none: {0, 00 00 00 00 00 00, 0, 0} */
    @CosemAttribute(id = 6, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject sortObject;

    @CosemAttribute(id = 7, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject entriesInUse;

    @CosemAttribute(id = 8, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject profileEntries;

    private final List<CaptureObject> columns;
    private final List<List<DataObject>> rows;

    /**
     * @param rows the buffer, oldest first (entry 1), one value per capture object each
     */
    public JdlmsProfileGeneric(String obis, List<CaptureObject> columns, long capturePeriodSeconds,
                               List<List<DataObject>> rows) {
        super(obis);
        this.columns = List.copyOf(columns);
        this.rows = List.copyOf(rows);
        for (List<DataObject> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("a row of " + row.size() + " for " + columns.size() + " columns");
            }
        }
        this.captureObjects = DataObject.newArrayData(columns.stream().map(CaptureObject::encode).toList());
        this.capturePeriod = DataObject.newUInteger32Data(capturePeriodSeconds);
        this.sortMethod = DataObject.newEnumerateData(1);
        this.sortObject = new CaptureObject(0, "0.0.0.0.0.0", 0, 0).encode();
        this.entriesInUse = DataObject.newUInteger32Data(rows.size());
        this.profileEntries = DataObject.newUInteger32Data(rows.size());
        this.buffer = encode(this.rows, allColumns());
    }

    /** Attribute 2, whole or selected; jDLMS passes null without selective access. */
    public DataObject getBuffer(SelectiveAccessDescription access) throws IllegalAttributeAccessException {
        if (access == null) {
            return buffer;
        }
        return switch (access.getAccessSelector()) {
            case 1 -> byRange(access.getAccessParameter());
            case 2 -> byEntry(access.getAccessParameter());
            default -> throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
        };
    }

    private DataObject byRange(DataObject parameter) throws IllegalAttributeAccessException {
        List<DataObject> p = structure(parameter, 4);
        int restricting = column(CaptureObject.decode(p.get(0)));
        DataObject from = p.get(1);
        DataObject to = p.get(2);
        List<DataObject> selected = array(p.get(3));
        int[] wanted;
        if (selected.isEmpty()) {
            wanted = allColumns();
        } else {
            wanted = new int[selected.size()];
            for (int i = 0; i < wanted.length; i++) {
                wanted[i] = column(CaptureObject.decode(selected.get(i)));
            }
        }
        List<List<DataObject>> within = new ArrayList<>();
        for (List<DataObject> row : rows) {
            DataObject value = row.get(restricting);
            if (compare(value, from) >= 0 && compare(value, to) <= 0) {
                within.add(row);
            }
        }
        return encode(within, wanted);
    }

    private DataObject byEntry(DataObject parameter) throws IllegalAttributeAccessException {
        List<DataObject> p = structure(parameter, 4);
        long fromEntry = number(p.get(0)).longValue();
        long toEntry = number(p.get(1)).longValue();
        int fromColumn = number(p.get(2)).intValue();
        int toColumn = number(p.get(3)).intValue();
        if (toEntry == 0 || toEntry > rows.size()) {
            toEntry = rows.size();
        }
        if (toColumn == 0) {
            toColumn = columns.size();
        }
        if (fromEntry < 1 || fromColumn < 1 || fromColumn > toColumn || toColumn > columns.size()) {
            throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
        }
        List<List<DataObject>> selected = fromEntry > toEntry ? List.of()
                : rows.subList((int) fromEntry - 1, (int) toEntry);
        int[] wanted = new int[toColumn - fromColumn + 1];
        Arrays.setAll(wanted, i -> fromColumn - 1 + i);
        return encode(selected, wanted);
    }

    private int column(CaptureObject c) throws IllegalAttributeAccessException {
        int index = columns.indexOf(c);
        if (index < 0) {
            throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
        }
        return index;
    }

    private int[] allColumns() {
        int[] all = new int[columns.size()];
        Arrays.setAll(all, i -> i);
        return all;
    }

    private static DataObject encode(List<List<DataObject>> rows, int[] wanted) {
        List<DataObject> encoded = new ArrayList<>(rows.size());
        for (List<DataObject> row : rows) {
            List<DataObject> cells = new ArrayList<>(wanted.length);
            for (int c : wanted) {
                cells.add(row.get(c));
            }
            encoded.add(DataObject.newStructureData(cells));
        }
        return DataObject.newArrayData(encoded);
    }

    /** A cell against a bound of the same kind: date-times (octet-string(12)) as instants, numbers as numbers. */
    private static int compare(DataObject cell, DataObject bound) throws IllegalAttributeAccessException {
        if (cell.getType() == Type.OCTET_STRING) {
            return instant(octets(cell)).compareTo(instant(octets(bound)));
        }
        if (cell.isNumber()) {
            return Long.compare(number(cell).longValue(), number(bound).longValue());
        }
        throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
    }

    /** A COSEM date-time: UTC = local time + deviation (minutes), "not specified" (0x8000) read as UTC. */
    static Instant instant(byte[] dateTime) throws IllegalAttributeAccessException {
        if (dateTime.length != 12) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        CosemDateTime t = CosemDateTime.decode(dateTime);
        int deviation = t.get(Field.DEVIATION);
        LocalDateTime local = LocalDateTime.of(t.get(Field.YEAR), t.get(Field.MONTH), t.get(Field.DAY_OF_MONTH),
                t.get(Field.HOUR), t.get(Field.MINUTE), t.get(Field.SECOND));
        return local.toInstant(ZoneOffset.UTC).plusSeconds(deviation == (short) 0x8000 ? 0 : deviation * 60L);
    }

    private static List<DataObject> structure(DataObject d, int size) throws IllegalAttributeAccessException {
        if (d == null || d.getType() != Type.STRUCTURE || ((List<?>) d.getValue()).size() != size) {
            throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
        }
        return d.getValue();
    }

    private static List<DataObject> array(DataObject d) throws IllegalAttributeAccessException {
        if (d == null || d.getType() != Type.ARRAY) {
            throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
        }
        return d.getValue();
    }

    private static byte[] octets(DataObject d) throws IllegalAttributeAccessException {
        if (d == null || d.getType() != Type.OCTET_STRING) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        return d.getValue();
    }

    private static Number number(DataObject d) throws IllegalAttributeAccessException {
        if (d == null || !d.isNumber()) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        return d.getValue();
    }
}
