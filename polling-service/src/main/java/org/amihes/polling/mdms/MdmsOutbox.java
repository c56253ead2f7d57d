package org.amihes.polling.mdms;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.stream.Collectors;
import org.amihes.contracts.MdmsReading;
import org.amihes.contracts.MdmsReadings;
import org.amihes.polling.PollingConfig;

/**
 * The MDMS outbox ({@code polling.mdms_outbox}), written by the statement that stores the readings, so a reading is
 * published if and only if it was committed: per enabled channel, one row per {@value #PER_ROW} readings stored by
 * the statement, their fields as parallel arrays (a row per reading and channel cost two inserts and two deletes per
 * reading). A store of another kind of reading (load-profile intervals) appends {@link #insertFrom} to its own insert
 * the same way.
 */
@ApplicationScoped
public class MdmsOutbox {

    /** Readings per outbox row: what one MDMS message holds at most. */
    public static final int PER_ROW = MdmsReadings.MAX_READINGS;

    private final List<String> channels;

    public MdmsOutbox(PollingConfig config) {
        this.channels = config.mdms().enabledChannels();
    }

    /**
     * SQL that copies the rows of common table expression {@code cte} into the outbox, per channel in rows of up to
     * {@value #PER_ROW} readings (none when the CTE is empty). The CTE must expose {@code meter_id, profile, obis,
     * capture_time, value, raw, scaler, unit, status, source, stored_at}, e.g. an
     * {@code INSERT ... ON CONFLICT DO NOTHING RETURNING ...}, so only rows stored now are published.
     */
    public String insertFrom(String cte, MdmsReading.Kind kind) {
        if (channels.isEmpty()) {
            return "SELECT 1";
        }
        String values = channels.stream().map(c -> "('" + c + "')").collect(Collectors.joining(", "));
        // one pass over the rows feeds every aggregate, so the arrays are parallel
        return "INSERT INTO polling.mdms_outbox (channel, kind, readings, meter_id, profile, obis, capture_time, value, raw, "
                + "scaler, unit, status, source, stored_at) SELECT c.channel, '" + kind.name() + "', count(*), "
                + "array_agg(s.meter_id), array_agg(s.profile), array_agg(s.obis), array_agg(s.capture_time), "
                + "array_agg(s.value), array_agg(s.raw), array_agg(s.scaler), array_agg(s.unit), array_agg(s.status), "
                + "array_agg(s.source), array_agg(s.stored_at) "
                + "FROM (SELECT *, (row_number() OVER () - 1) / " + PER_ROW + " AS part FROM " + cte + ") s "
                + "CROSS JOIN (VALUES " + values + ") AS c(channel) GROUP BY c.channel, s.part";
    }
}
