package org.amihes.contracts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a meter pushed unasked (a DataNotification of one of its push setups, or an EventNotification), decoded by
 * association-service's push listener: published once per notification received to the topic exchange
 * {@code hes.topology.events-exchange}, routing key {@link #routingKey()} ({@code push.data} or {@code push.event}),
 * persistent. Deciphered already: a push that did not decipher, or from a meter not in the registry, is audited and
 * never published.
 *
 * @param eventId           unique per notification received (a consumer drops a redelivery by it)
 * @param meterId           the registered meter that sent it (known by its address and, ciphered, its keys)
 * @param vendor            the meter's vendor as registered
 * @param kind              DATA (DataNotification) or EVENT (EventNotification)
 * @param pushSetup         the push setup (class 40) whose object list this is, when the notification names it
 *                          (IDIS: its first value is the push setup's logical name), else null
 * @param transport         how it came: TCP, UDP, or SESSION (pushed during an association the head-end had open)
 * @param ciphered          whether it came ciphered (and was deciphered with the meter's keys)
 * @param invocationCounter of a ciphered notification, -1 otherwise
 * @param meterTime         the date-time in the notification, null when the meter sent none
 * @param receivedAt        when the head-end received it
 * @param values            the values in push object list order
 */
public record MeterPushEvent(String eventId, String meterId, String vendor, Kind kind, String pushSetup,
                             String transport, boolean ciphered, long invocationCounter, Instant meterTime,
                             Instant receivedAt, List<PushedValue> values) {

    public enum Kind { DATA, EVENT }

    public static final String ROUTING_KEY_PREFIX = "push.";

    private static final Pattern OBIS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){5}");

    /**
     * One value of the notification, tied to the attribute it belongs to where known.
     *
     * @param classId   COSEM interface class of the object (e.g. 3 register, 8 clock, 40 push setup); 0 when unknown
     * @param obis      its logical name (a.b.c.d.e.f), null when the head-end does not know the push object list
     * @param attribute the attribute index, 0 when unknown
     * @param type      the A-XDR type as decoded: null, boolean, integer, decimal, octet-string, string, date-time, structure
     * @param value     the value as text: integers in decimal, octet strings in hex, date-times ISO-8601 (UTC),
     *                  structures as a JSON array of such texts; null for null-data
     * @param scaler    a register's scaler (attribute 3 pushed in the same list), else null
     * @param unit      its unit by the standard's name (e.g. Wh), else null
     * @param scaled    value × 10^scaler when a scaler was given for an integer value, else null
     */
    public record PushedValue(int classId, String obis, int attribute, String type, String value, Integer scaler,
                              String unit, BigDecimal scaled) {
        public PushedValue {
            if (obis != null && !OBIS.matcher(obis).matches()) {
                throw new ContractViolation("obis", "not a logical name a.b.c.d.e.f: " + obis);
            }
            ContractViolation.required("type", type);
            if (classId < 0 || attribute < 0) {
                throw new ContractViolation(classId < 0 ? "classId" : "attribute", "negative");
            }
        }
    }

    public MeterPushEvent {
        ContractViolation.required("eventId", eventId);
        ContractViolation.required("meterId", meterId);
        ContractViolation.required("kind", kind);
        ContractViolation.required("transport", transport);
        ContractViolation.required("receivedAt", receivedAt);
        if (pushSetup != null && !OBIS.matcher(pushSetup).matches()) {
            throw new ContractViolation("pushSetup", "not a logical name a.b.c.d.e.f: " + pushSetup);
        }
        if (!ciphered && invocationCounter != -1) {
            throw new ContractViolation("invocationCounter", "-1 for a plain notification");
        }
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** {@code push.data} or {@code push.event}. */
    public String routingKey() {
        return ROUTING_KEY_PREFIX + kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
