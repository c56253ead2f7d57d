package org.amihes.association.push;

import gurux.dlms.GXDateTime;
import gurux.dlms.GXEnum;
import gurux.dlms.enums.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.amihes.association.domain.Meter;
import org.amihes.contracts.MeterPushEvent;
import org.amihes.contracts.MeterPushEvent.PushedValue;
import org.amihes.contracts.Scaling;
import org.amihes.dlms.DlmsUnits;
import org.amihes.dlms.Notification;
import org.amihes.interop.MeterDeclaration;

/**
 * Turns a decoded {@link Notification} into the published {@link MeterPushEvent}: a DataNotification's values are
 * named by the push object list the vendor declares for the push setup the notification names (its first value, the
 * push setup's logical name, by IDIS convention); a register's value pushed with its scaler_unit gets both. Pure logic.
 */
public final class PushEvents {

    private PushEvents() {
    }

    public static MeterPushEvent event(Meter meter, Notification n, MeterDeclaration declaration, String transport,
                                       Instant receivedAt) {
        List<Object> raw = n.values();
        List<PushedValue> values = new ArrayList<>(raw.size());
        String pushSetup = null;
        if (n.kind() == Notification.Kind.EVENT_NOTIFICATION) {
            Notification.Attribute a = n.attribute();
            values.add(value(a == null ? 0 : a.classId(), a == null ? null : a.logicalName(), a == null ? 0 : a.index(),
                    raw.isEmpty() ? null : raw.get(0), null));
        } else {
            MeterDeclaration.PushSetup setup = setupNamedBy(raw, declaration);
            pushSetup = setup == null ? null : setup.logicalName();
            for (int i = 0; i < raw.size(); i++) {
                MeterDeclaration.PushObject o = setup != null && i < setup.objects().size() ? setup.objects().get(i) : null;
                Object scalerUnit = o == null ? null : scalerUnitOf(o, setup, raw);
                values.add(o == null ? value(0, null, 0, raw.get(i), null)
                        : value(o.classId(), o.obis(), o.attribute(), raw.get(i), scalerUnit));
            }
        }
        return new MeterPushEvent(UUID.randomUUID().toString(), meter.meterId(), meter.vendor(),
                n.kind() == Notification.Kind.EVENT_NOTIFICATION ? MeterPushEvent.Kind.EVENT : MeterPushEvent.Kind.DATA,
                pushSetup, transport, n.ciphered(), n.ciphered() ? n.invocationCounter() : -1, n.time(), receivedAt,
                values);
    }

    /** The declared push setup whose logical name is the notification's first value, null when none is. */
    static MeterDeclaration.PushSetup setupNamedBy(List<Object> raw, MeterDeclaration declaration) {
        if (declaration == null || raw.isEmpty() || !(raw.get(0) instanceof byte[] ln) || ln.length != 6) {
            return null;
        }
        String name = logicalName(ln);
        return declaration.pushSetups().stream().filter(s -> s.logicalName().equals(name)
                && s.objects().size() == raw.size()).findFirst().orElse(null);
    }

    /** For a register's value (class 3 or 4, attribute 2): its scaler_unit when pushed in the same list. */
    private static Object scalerUnitOf(MeterDeclaration.PushObject o, MeterDeclaration.PushSetup setup, List<Object> raw) {
        if ((o.classId() != 3 && o.classId() != 4) || o.attribute() != 2) {
            return null;
        }
        for (int j = 0; j < setup.objects().size(); j++) {
            MeterDeclaration.PushObject other = setup.objects().get(j);
            if (other.classId() == o.classId() && other.obis().equals(o.obis()) && other.attribute() == 3) {
                return raw.get(j);
            }
        }
        return null;
    }

    static PushedValue value(int classId, String obis, int attribute, Object v, Object scalerUnit) {
        if (classId != 0 && attribute == 1 && v instanceof byte[] ln && ln.length == 6) { // attribute 1: logical_name
            return new PushedValue(classId, obis, attribute, "logical-name", logicalName(ln), null, null, null);
        }
        if (classId == 8 && attribute == 2 && v instanceof byte[] dt && dt.length == 12) {
            v = gurux.dlms.GXDLMSClient.changeType(dt, DataType.DATETIME);
        }
        String[] typed = text(v);
        Integer scaler = null;
        String unit = null;
        BigDecimal scaled = null;
        if (scalerUnit instanceof List<?> su && su.size() == 2 && su.get(0) instanceof Number s
                && su.get(1) instanceof Number u) {
            scaler = s.intValue();
            unit = DlmsUnits.symbol(u.intValue());
            if ("integer".equals(typed[0])) {
                scaled = Scaling.value(new BigDecimal(typed[1]), scaler);
            }
        }
        return new PushedValue(classId, obis, attribute, typed[0], typed[1], scaler, unit, scaled);
    }

    /** {type, text} of a value as Gurux decoded it (see {@link PushedValue}). */
    static String[] text(Object v) {
        if (v == null) {
            return new String[] {"null", null};
        }
        if (v instanceof Boolean b) {
            return new String[] {"boolean", b.toString()};
        }
        if (v instanceof GXEnum e) {
            return new String[] {"enum", Integer.toString(e.intValue())};
        }
        if (v instanceof Float || v instanceof Double) {
            return new String[] {"decimal", v.toString()};
        }
        if (v instanceof BigDecimal d) {
            return new String[] {"decimal", d.toPlainString()};
        }
        if (v instanceof Number num) {
            return new String[] {"integer", num instanceof BigInteger bi ? bi.toString() : Long.toString(num.longValue())};
        }
        if (v instanceof byte[] b) {
            return new String[] {"octet-string", HexFormat.of().formatHex(b)};
        }
        if (v instanceof CharSequence s) {
            return new String[] {"string", s.toString()};
        }
        if (v instanceof GXDateTime t) {
            return new String[] {"date-time", t.getValue() == null ? null : t.getValue().toInstant().toString()};
        }
        if (v instanceof List<?> || v instanceof Object[]) {
            List<?> items = v instanceof List<?> l ? l : List.of((Object[]) v);
            StringBuilder json = new StringBuilder("[");
            for (Object item : items) {
                String[] t = text(item);
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append(t[1] == null ? "null" : '"' + t[1].replace("\\", "\\\\").replace("\"", "\\\"") + '"');
            }
            return new String[] {"structure", json.append(']').toString()};
        }
        return new String[] {"other", v.toString()};
    }

    static String logicalName(byte[] ln) {
        return (ln[0] & 0xFF) + "." + (ln[1] & 0xFF) + "." + (ln[2] & 0xFF) + "." + (ln[3] & 0xFF) + "."
                + (ln[4] & 0xFF) + "." + (ln[5] & 0xFF);
    }
}
