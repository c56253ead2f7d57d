package org.amihes.dlms;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * What a meter sent unasked (IEC 62056-5-3): a DataNotification (a push setup's object list, one value per captured
 * attribute, in list order) or an EventNotification (one attribute's value). Values are as Gurux decodes them
 * (Number, byte[], String, List for structures, GXDateTime for date-time octet strings).
 *
 * @param ciphered          whether it came ciphered (general-glo-ciphering or a glo- service)
 * @param systemTitle       the sender's system title when the APDU carried one (general-glo-ciphering), else null
 * @param invocationCounter the invocation counter of a ciphered APDU, -1 otherwise
 * @param time              the date-time the meter put in the notification, null when it sent none
 * @param attribute         EventNotification: the attribute the value belongs to; null for a DataNotification
 */
public record Notification(Kind kind, boolean ciphered, byte[] systemTitle, long invocationCounter, Instant time,
                           List<Object> values, Attribute attribute) {

    public enum Kind { DATA_NOTIFICATION, EVENT_NOTIFICATION }

    /** A COSEM attribute: class id, logical name (a.b.c.d.e.f), attribute index. */
    public record Attribute(int classId, String logicalName, int index) {
    }

    public Notification {
        values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values)); // Gurux lists may hold nulls
    }

    public String systemTitleHex() {
        return systemTitle == null ? null : HexFormat.of().formatHex(systemTitle);
    }

    @Override
    public String toString() {
        return "Notification[" + kind + (ciphered ? " ciphered" : "") + ", systemTitle=" + systemTitleHex()
                + ", time=" + time + ", " + values.size() + " values" + (attribute == null ? "" : ", " + attribute) + "]";
    }
}
