package org.amihes.polling.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;

/** Query parameters that are instants or days: required, parsed strictly, a clear wrong-type problem otherwise. */
final class QueryTimes {

    private QueryTimes() {
    }

    static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(name, "query parameter '" + name + "' is required (ISO-8601 instant)");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(Problem.ofField(Problem.Type.WRONG_TYPE, name, "query parameter '" + name
                    + "': '" + value + "' is not an ISO-8601 instant (e.g. 2026-06-15T08:00:00Z)"));
        }
    }

    static LocalDate day(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(name, "query parameter '" + name + "' is required (a UTC day, e.g. 2026-06-15)");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(Problem.ofField(Problem.Type.WRONG_TYPE, name, "query parameter '" + name
                    + "': '" + value + "' is not a day (e.g. 2026-06-15)"));
        }
    }
}
