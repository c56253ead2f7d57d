package org.amihes.firmware.campaign;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.SQLException;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.service.messaging.JsonMessages;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Results of firmware jobs (result.firmware-read, result.image-transfer, result.image-verify, result.image-activate)
 * into {@link CampaignEngine}, one transaction per message. Acked after the meters' new states committed and their
 * next jobs were confirmed; a message
 * that fails (malformed, or the database away) goes to firmware.results.dlq (failure-strategy reject): its meters'
 * jobs count as stale after {@code hes.firmware.stale-after} and are sent again, answered from the head-end's journal.
 */
@ApplicationScoped
public class FirmwareResults {

    private static final Logger LOG = Logger.getLogger(FirmwareResults.class);

    private final JsonMessages json;
    private final CampaignEngine engine;

    public FirmwareResults(JsonMessages json, CampaignEngine engine) {
        this.json = json;
        this.engine = engine;
    }

    @Incoming("firmware-results")
    @Blocking(ordered = false)
    public void onResults(Object body) throws IOException, SQLException {
        MeterJobResultBatch batch = json.read(body, MeterJobResultBatch.class);
        try {
            engine.onResults(batch.results());
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(e, "%d firmware results (the first %s of %s) not handled; their message goes to the dead-letter "
                    + "queue", batch.results().size(), batch.results().get(0).jobId(), batch.results().get(0).meterId());
            throw e;
        }
    }
}
