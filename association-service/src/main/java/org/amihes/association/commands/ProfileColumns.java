package org.amihes.association.commands;

import gurux.dlms.GXDateTime;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.objects.GXDLMSCaptureObject;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.ProfileChannel;
import org.amihes.contracts.ProfileInterval;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.DlmsUnits;
import org.amihes.dlms.failure.Classifier;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/**
 * A profile's columns as its capture objects declare them: the clock (capture time), an optional status (the AMR
 * profile status, 0.0.96.10.x.255) and value channels with the scaler and unit their registers declare. Decodes
 * buffer rows into {@link ProfileInterval}s.
 */
final class ProfileColumns {

    private static final int CLOCK_CLASS = 8;
    private static final int DATA_CLASS = 1;

    record Decoded(List<ProfileInterval> intervals, List<String> warnings) {
    }

    private final int clockColumn;
    private final int statusColumn;
    private final List<Integer> channelColumns;
    private final List<ProfileChannel> channels;

    private ProfileColumns(int clockColumn, int statusColumn, List<Integer> channelColumns, List<ProfileChannel> channels) {
        this.clockColumn = clockColumn;
        this.statusColumn = statusColumn;
        this.channelColumns = channelColumns;
        this.channels = channels;
    }

    List<ProfileChannel> channels() {
        return channels;
    }

    /** Reads the scaler_unit (attribute 3) of every captured register: the meter says it, nothing is assumed. */
    static Future<ProfileColumns> of(DlmsSession session, GXDLMSProfileGeneric pg) {
        List<Map.Entry<GXDLMSObject, GXDLMSCaptureObject>> captured = pg.getCaptureObjects();
        if (captured.isEmpty()) {
            throw new DlmsException(FailureCode.UNEXPECTED_VALUE, pg.getLogicalName() + " declares no capture objects",
                    session.exchange(), null);
        }
        int clock = -1;
        int status = -1;
        List<Integer> columns = new ArrayList<>();
        List<Map.Entry<GXDLMSObject, GXDLMSCaptureObject>> channelObjects = new ArrayList<>();
        for (int i = 0; i < captured.size(); i++) {
            GXDLMSObject o = captured.get(i).getKey();
            int classId = o.getObjectType().getValue();
            int attribute = captured.get(i).getValue().getAttributeIndex();
            if (classId == CLOCK_CLASS && attribute == 2 && clock < 0) {
                clock = i;
            } else if (classId == DATA_CLASS && o.getLogicalName().startsWith("0.0.96.10.") && status < 0) {
                status = i;
            } else {
                columns.add(i);
                channelObjects.add(captured.get(i));
            }
        }
        if (clock < 0) {
            throw new DlmsException(FailureCode.UNEXPECTED_VALUE, pg.getLogicalName() + " captures no clock: its rows "
                    + "carry no time", session.exchange(), null);
        }
        List<ProfileChannel> channels = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int c = 0; c < channelObjects.size(); c++) {
            int column = c;
            GXDLMSObject o = channelObjects.get(c).getKey();
            int classId = o.getObjectType().getValue();
            int attribute = channelObjects.get(c).getValue().getAttributeIndex();
            boolean scaled = (classId == 3 || classId == 4 || classId == 5) && attribute == 2;
            // scaler_unit read into an object of our own: Gurux scales the buffer's values by the capture objects'
            // scalers when it knows them, and the raw values must stay as the meter sent them (scaled once, by Scaling)
            chain = chain.compose(v -> (scaled ? session.read(copyOf(classId, o.getLogicalName()), 3)
                    : Future.succeededFuture(null)).map(su -> {
                channels.add(channel(column, classId, o.getLogicalName(), attribute, su, session));
                return null;
            }));
        }
        int clockColumn = clock;
        int statusColumn = status;
        return chain.map(v -> new ProfileColumns(clockColumn, statusColumn, columns, channels));
    }

    private static GXDLMSObject copyOf(int classId, String obis) {
        return switch (classId) {
            case 4 -> new gurux.dlms.objects.GXDLMSExtendedRegister(obis);
            case 5 -> new gurux.dlms.objects.GXDLMSDemandRegister(obis);
            default -> new gurux.dlms.objects.GXDLMSRegister(obis);
        };
    }

    private static ProfileChannel channel(int column, int classId, String obis, int attribute, Object scalerUnit,
                                          DlmsSession session) {
        if (scalerUnit == null) {
            return new ProfileChannel(column, classId, obis, attribute, 0, null);
        }
        if (scalerUnit instanceof ErrorCode error) {
            throw new DlmsException(Classifier.ofDataAccessResult(error.getValue()), obis + " scaler_unit: " + error,
                    session.exchange(), null);
        }
        if (!(scalerUnit instanceof List<?> su) || su.size() != 2 || !(su.get(0) instanceof Number scaler)
                || !(su.get(1) instanceof Number unit)) {
            throw new DlmsException(FailureCode.UNEXPECTED_VALUE, obis + " scaler_unit is not {integer, enum}: "
                    + scalerUnit, session.exchange(), null);
        }
        return new ProfileChannel(column, classId, obis, attribute, scaler.intValue(), DlmsUnits.symbol(unit.intValue()));
    }

    /**
     * The rows as intervals. A clock cell the meter left empty (compact profiles) is the previous capture time plus
     * the capture period; rows outside [from, to) (a meter that answers more than asked) are left out with a warning.
     */
    Decoded decode(List<Object[]> rows, long capturePeriod, Instant from, Instant to, DlmsSession session) {
        List<ProfileInterval> out = new ArrayList<>(rows.size());
        List<String> warnings = new ArrayList<>();
        Instant previous = null;
        int outside = 0;
        for (Object[] row : rows) {
            Instant at = time(row[clockColumn]);
            if (at == null) {
                if (previous == null || capturePeriod <= 0) {
                    throw new DlmsException(FailureCode.UNEXPECTED_VALUE, "a row of the profile has no capture time "
                            + "and none can be inferred", session.exchange(), null);
                }
                at = previous.plusSeconds(capturePeriod);
            }
            previous = at;
            if (from != null && (at.isBefore(from) || !at.isBefore(to))) {
                outside++;
                continue;
            }
            Long status = statusColumn < 0 || row[statusColumn] == null ? null : ((Number) number(row[statusColumn],
                    "status", session)).longValue();
            List<BigDecimal> raw = new ArrayList<>(channelColumns.size());
            for (int c = 0; c < channelColumns.size(); c++) {
                Object cell = row[channelColumns.get(c)];
                raw.add(cell == null ? null : decimal(number(cell, channels.get(c).obis(), session)));
            }
            out.add(new ProfileInterval(at, status, raw));
        }
        if (outside > 0) {
            warnings.add(FailureCode.UNEXPECTED_VALUE.code() + ": the meter returned " + outside + " rows outside the "
                    + "requested range [" + from + ", " + to + "); left out");
        }
        return new Decoded(out, warnings);
    }

    private static Instant time(Object cell) {
        if (cell instanceof GXDateTime dt && dt.getMeterCalendar() != null) {
            return dt.getMeterCalendar().toInstant();
        }
        return null;
    }

    private static Number number(Object cell, String column, DlmsSession session) {
        if (cell instanceof Number n) {
            return n;
        }
        throw new DlmsException(FailureCode.UNEXPECTED_VALUE, "profile column " + column + " holds "
                + cell.getClass().getSimpleName() + ", not a number", session.exchange(), null);
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (n instanceof Double || n instanceof Float) {
            return BigDecimal.valueOf(n.doubleValue());
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
