package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;

/**
 * A time-of-use tariff written into the meter's passive activity calendar (class 20, 0.0.13.0.0.255, attributes 6 to
 * 10), to become active at {@code activateAt}: one season from then, every day of the week the same day profile, whose
 * switches run the tariff script (0.0.10.0.100.255) selector given from their time on. The handler reads the passive
 * calendar first and writes nothing when it holds this tariff already (the field manual's "Price Update" sent twice
 * changes the meter once).
 *
 * @param calendarName the passive calendar's name, 1 to 16 printable ASCII characters
 * @param switches     1 to 24, in ascending time, the first at 00:00 (the day starts in a known tariff)
 * @param activateAt   when the meter makes the passive calendar active, whole seconds
 */
public record WriteTariff(String calendarName, List<Switch> switches, Instant activateAt) implements MeterCommand {

    public static final String TYPE = "tariff";

    /**
     * @param at     "HH:mm", on a quarter hour
     * @param tariff the tariff script selector, 1 to 8
     */
    public record Switch(String at, int tariff) {
        public Switch {
            if (at == null || !at.matches("([01]\\d|2[0-3]):[0-5]\\d")) {
                throw new ContractViolation("switches.at", "must be HH:mm (00:00 to 23:59), not " + at);
            }
            if (LocalTime.parse(at).getMinute() % 15 != 0) {
                throw new ContractViolation("switches.at", "must be on a quarter hour, not " + at);
            }
            if (tariff < 1 || tariff > 8) {
                throw new ContractViolation("switches.tariff", "must be 1 to 8, not " + tariff);
            }
        }

        public LocalTime time() {
            return LocalTime.parse(at);
        }
    }

    public WriteTariff {
        if (calendarName == null || !calendarName.matches("[\\x20-\\x7E]{1,16}")) {
            throw new ContractViolation("calendarName", "must be 1 to 16 printable ASCII characters");
        }
        if (switches == null || switches.isEmpty() || switches.size() > 24) {
            throw new ContractViolation("switches", "must list 1 to 24 tariff switches");
        }
        switches = List.copyOf(switches);
        if (!switches.get(0).at().equals("00:00")) {
            throw new ContractViolation("switches[0].at", "the first switch must be at 00:00, not " + switches.get(0).at());
        }
        for (int i = 1; i < switches.size(); i++) {
            if (!switches.get(i).time().isAfter(switches.get(i - 1).time())) {
                throw new ContractViolation("switches[" + i + "].at", "must be later than " + switches.get(i - 1).at());
            }
        }
        if (activateAt == null) {
            throw new ContractViolation("activateAt", "required: when the meter activates the tariff");
        }
        if (activateAt.getNano() != 0) {
            throw new ContractViolation("activateAt", "must be whole seconds (a COSEM date-time has no finer part here)");
        }
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
