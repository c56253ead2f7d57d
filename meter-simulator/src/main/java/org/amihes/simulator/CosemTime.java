package org.amihes.simulator;

import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXDateTime;
import gurux.dlms.enums.DataType;
import java.time.Instant;
import java.util.Calendar;
import java.util.Date;
import java.util.TimeZone;

/** Instants to and from COSEM date-time, in UTC (deviation 0), the way every simulated clock reports time. */
final class CosemTime {

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private CosemTime() {
    }

    static GXDateTime of(Instant at) {
        Calendar utc = Calendar.getInstance(UTC);
        utc.setTimeInMillis(at.toEpochMilli());
        return new GXDateTime(utc);
    }

    /**
     * A date-time as a client sends it: the 12-byte octet-string, already parsed, or Unix seconds.
     *
     * @throws IllegalArgumentException when the value is not a date-time
     */
    static Instant toInstant(Object value) {
        if (value instanceof byte[] bytes && bytes.length == 12) {
            return ((GXDateTime) GXDLMSClient.changeType(bytes, DataType.DATETIME)).getMeterCalendar().toInstant();
        }
        if (value instanceof GXDateTime dt) {
            return dt.getMeterCalendar().toInstant();
        }
        if (value instanceof Date d) {
            return d.toInstant();
        }
        if (value instanceof Number unixSeconds) {
            return Instant.ofEpochSecond(unixSeconds.longValue());
        }
        throw new IllegalArgumentException("not a date-time: " + value);
    }
}
