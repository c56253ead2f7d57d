package org.amihes.polling.mdms;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.stream.Collectors;
import org.amihes.contracts.MdmsReading;
import org.amihes.polling.PollingConfig;

/**
 * The MDMS outbox ({@code polling.mdms_outbox}): a row per stored reading and enabled channel, written by the statement
 * that stores the reading, so a reading is published if and only if it was committed. A store of another kind of
 * reading (load-profile intervals) appends {@link #insertFrom} to its own insert the same way.
 */
@ApplicationScoped
public class MdmsOutbox {

    private final List<String> channels;

    public MdmsOutbox(PollingConfig config) {
        this.channels = config.mdms().enabledChannels();
    }

    /**
     * SQL that copies the rows of common table expression {@code cte} into the outbox, one row per channel. The CTE
     * must expose {@code meter_id, profile, obis, capture_time, value, raw, scaler, unit, status, source, stored_at}, e.g. an
     * {@code INSERT ... ON CONFLICT DO NOTHING RETURNING ...}, so only rows stored now are published.
     */
    public String insertFrom(String cte, MdmsReading.Kind kind) {
        if (channels.isEmpty()) {
            return "SELECT 1";
        }
        String values = channels.stream().map(c -> "('" + c + "')").collect(Collectors.joining(", "));
        return "INSERT INTO polling.mdms_outbox (channel, kind, meter_id, profile, obis, capture_time, value, raw, scaler, "
                + "unit, status, source, stored_at) SELECT c.channel, '" + kind.name() + "', s.meter_id, s.profile, s.obis, "
                + "s.capture_time, "
                + "s.value, s.raw, s.scaler, s.unit, s.status, s.source, s.stored_at FROM " + cte + " s "
                + "CROSS JOIN (VALUES " + values + ") AS c(channel)";
    }
}
