package org.amihes.polling.mdms;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.amihes.contracts.MdmsReading;
import org.amihes.contracts.MdmsReadings;

/** How a pass's readings become MDMS messages ({@link MdmsReadings}): grouped by where they go, in stored order. */
final class MdmsMessages {

    private MdmsMessages() {
    }

    /**
     * The readings grouped by {@code destination} (routing key, topic), each group in the order stored and cut into
     * messages of at most {@link MdmsReadings#MAX_READINGS}; groups in the order their first reading came.
     */
    static List<List<MdmsReading>> group(List<MdmsReading> readings, Function<MdmsReading, String> destination) {
        Map<String, List<MdmsReading>> open = new LinkedHashMap<>();
        List<List<MdmsReading>> out = new ArrayList<>();
        for (MdmsReading r : readings) {
            String to = destination.apply(r);
            List<MdmsReading> message = open.computeIfAbsent(to, d -> {
                List<MdmsReading> m = new ArrayList<>();
                out.add(m);
                return m;
            });
            message.add(r);
            if (message.size() == MdmsReadings.MAX_READINGS) {
                open.remove(to); // full: the next reading of this destination opens another message
            }
        }
        return out;
    }

    /**
     * The message id: a name-based UUID of the readings' dedup keys, so the same readings published again (a pass
     * whose confirm was lost) carry the same id; a consumer still deduplicates per reading.
     */
    static String messageId(List<MdmsReading> message) {
        StringBuilder keys = new StringBuilder(message.size() * 48);
        for (MdmsReading r : message) {
            keys.append(r.dedupKey()).append('\n');
        }
        return "mdms-" + UUID.nameUUIDFromBytes(keys.toString().getBytes(StandardCharsets.UTF_8));
    }
}
