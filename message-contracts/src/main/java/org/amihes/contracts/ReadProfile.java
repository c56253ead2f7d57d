package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * Read a profile generic (class 7, e.g. the load profile 1.0.99.1.0.255): its capture objects and capture period as
 * the meter declares them, then its buffer, either by range of capture time (selective access by range) or by entry
 * (selective access by entry). Exactly one of the two selections.
 *
 * @param profile    the profile's OBIS code
 * @param from       capture times from here (inclusive) ...
 * @param to         ... to here (exclusive); both given or both null
 * @param firstEntry by entry: the first entry (1 = the oldest in the buffer) ...
 * @param entries    ... and how many; both given or both null
 */
public record ReadProfile(String profile, Instant from, Instant to, Integer firstEntry, Integer entries)
        implements MeterCommand {

    public static final String TYPE = "read-profile";

    public ReadProfile {
        ContractViolation.required("profile", profile);
        if ((from == null) != (to == null)) {
            throw new ContractViolation(from == null ? "from" : "to", "required with '" + (from == null ? "to" : "from") + "'");
        }
        if ((firstEntry == null) != (entries == null)) {
            throw new ContractViolation(firstEntry == null ? "firstEntry" : "entries", "required with '"
                    + (firstEntry == null ? "entries" : "firstEntry") + "'");
        }
        if ((from == null) == (firstEntry == null)) {
            throw new ContractViolation("from", "give a range (from, to) or entries (firstEntry, entries), one of them");
        }
        if (from != null && !from.isBefore(to)) {
            throw new ContractViolation("to", "must be after 'from'");
        }
        if (firstEntry != null && (firstEntry < 1 || entries < 1)) {
            throw new ContractViolation(firstEntry < 1 ? "firstEntry" : "entries", "must be at least 1");
        }
    }

    public static ReadProfile range(String profile, Instant from, Instant to) {
        return new ReadProfile(profile, from, to, null, null);
    }

    @Override
    @JsonIgnore
    public String commandType() {
        return TYPE;
    }
}
