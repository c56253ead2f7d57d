package org.amihes.security.rotation;

import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.SQLException;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.service.messaging.JsonMessages;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Results of key jobs (routing keys result.key-transfer and result.key-confirm) into {@link KeyRotations}. A message
 * that fails (malformed, or the database away) goes to security.key-results.dlq (failure-strategy reject): its meters'
 * versions stay PENDING, the meters stay readable (the head-end tries both versions), and asking for the rotation
 * again resends it.
 */
@ApplicationScoped
public class KeyResults {

    private static final Logger LOG = Logger.getLogger(KeyResults.class);

    private final JsonMessages json;
    private final KeyRotations rotations;

    public KeyResults(JsonMessages json, KeyRotations rotations) {
        this.json = json;
        this.rotations = rotations;
    }

    @Incoming("key-results")
    @Blocking
    public void onResults(Object body) throws IOException, SQLException {
        MeterJobResultBatch batch = json.read(body, MeterJobResultBatch.class);
        try {
            rotations.onResults(batch.results());
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(e, "%d key results (the first %s of %s) not handled; their message goes to the dead-letter queue "
                    + "(the rotation can be asked for again)", batch.results().size(),
                    batch.results().isEmpty() ? "-" : batch.results().get(0).jobId(),
                    batch.results().isEmpty() ? "-" : batch.results().get(0).meterId());
            throw e;
        }
        LOG.debugf("%d key results handled", batch.results().size());
    }
}
