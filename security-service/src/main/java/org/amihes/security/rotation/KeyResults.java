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
        for (MeterJobResult result : batch.results()) {
            try {
                rotations.onResult(result);
            } catch (SQLException | RuntimeException e) {
                LOG.errorf(e, "key result %s of %s not handled; its message goes to the dead-letter queue (the "
                        + "rotation can be asked for again)", result.jobId(), result.meterId());
                throw e;
            }
        }
        LOG.debugf("%d key results handled", batch.results().size());
    }
}
