package org.amihes.security.rotation;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.amihes.contracts.ConfirmKeys;
import org.amihes.contracts.KeysInstalled;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.TransferKeys;
import org.amihes.security.keys.KeyStore;
import org.amihes.security.keys.KeyVault;
import org.jboss.logging.Logger;

/**
 * Key rotation, meter by meter: a new key version starts PENDING; association-service transfers it (a
 * {@link TransferKeys} job, the keys wrapped under the meter's KEK); a new association with it confirms it (a
 * {@link ConfirmKeys} job); only then it becomes ACTIVE and the old one RETIRED (kept). Any step may be cut short (a
 * crash, a restart, a dropped connection): the head-end knows both versions until then and associates with the one
 * the meter uses, and a rotation asked for again resends the same PENDING version. Blocking (HSM, JDBC).
 */
@ApplicationScoped
public class KeyRotations {

    private static final Logger LOG = Logger.getLogger(KeyRotations.class);
    /** Job ids: rotation/&lt;batch&gt;/&lt;meter&gt;/&lt;step&gt;/&lt;version&gt;, so a result finds its batch. */
    static final String PREFIX = "rotation/";

    /**
     * A rotation as asked for: its meters listed PREPARING; each one's new version is made and sent by
     * {@link RotationPreparer}.
     */
    public record Started(UUID batchId, int meters) {
    }

    /** Where a batch stands: meters by state (PREPARING, TRANSFER_SENT, CONFIRM_SENT, ACTIVE, FAILED) and the failures. */
    public record Progress(UUID batchId, int meters, Map<String, Integer> byState, boolean done,
                           List<KeyStore.RotationRow> failures) {
    }

    private final KeyVault vault;
    private final KeyStore store;
    private final RotationJobs jobs;

    public KeyRotations(KeyVault vault, KeyStore store, RotationJobs jobs) {
        this.vault = vault;
        this.store = store;
        this.jobs = jobs;
    }

    /**
     * Lists the meters of a new rotation batch as PREPARING and returns: making a version under the HSM and sending it
     * takes a while per meter (100,000 meters took 24 s on SoftHSM2 in the request, longer than a client waits for an
     * answer with a network HSM), so it is {@link #prepare}'s work, a chunk at a time, followed in the progress.
     */
    public Started start(List<String> meterIds, String actor) throws SQLException {
        UUID batch = UUID.randomUUID();
        store.listRotation(batch, meterIds, actor);
        return new Started(batch, meterIds.size());
    }

    /**
     * Claimed PREPARING rows of any batch: each meter gets a PENDING version (or keeps the one a rotation already made:
     * asking again resends it, never a third) and a key-transfer job, published before the rows move on; a meter
     * without ACTIVE keys fails by name. The rows to write in their place.
     */
    public List<KeyStore.RotationRow> prepare(List<KeyStore.RotationRow> claimed) throws SQLException {
        List<KeyStore.RotationRow> rows = new ArrayList<>(claimed.size());
        List<MeterJob> transfers = new ArrayList<>(claimed.size());
        Map<String, List<KeyStore.RotationRow>> byActor = new LinkedHashMap<>();
        claimed.forEach(r -> byActor.computeIfAbsent(r.actor(), a -> new ArrayList<>()).add(r));
        for (Map.Entry<String, List<KeyStore.RotationRow>> ofActor : byActor.entrySet()) {
            String actor = ofActor.getKey();
            Map<String, KeyVault.Rotation> started = vault.startRotations(
                    ofActor.getValue().stream().map(KeyStore.RotationRow::meterId).distinct().toList(), actor);
            for (KeyStore.RotationRow row : ofActor.getValue()) {
                KeyVault.Rotation rotation = started.get(row.meterId());
                if (rotation == null) {
                    rows.add(new KeyStore.RotationRow(row.batchId(), row.meterId(), 0, "FAILED", "meter '"
                            + row.meterId() + "' has no active keys; import its key delivery", actor));
                    continue;
                }
                int version = rotation.pending().version();
                rows.add(new KeyStore.RotationRow(row.batchId(), row.meterId(), version, "TRANSFER_SENT", null, actor));
                transfers.add(new MeterJob(jobId(row.batchId(), row.meterId(), "transfer", version),
                        row.batchId().toString(), row.meterId(), Instant.now(),
                        new TransferKeys(version, rotation.wrappedForTransfer()), actor));
            }
        }
        publish(transfers);
        return rows;
    }

    public Progress progress(UUID batchId) throws SQLException {
        Map<String, Integer> byState = store.rotationCounts(batchId);
        int meters = byState.values().stream().mapToInt(Integer::intValue).sum();
        boolean done = meters > 0 && byState.keySet().stream().allMatch(s -> s.equals("ACTIVE") || s.equals("FAILED"));
        return new Progress(batchId, meters, byState, done, store.rotationFailures(batchId, 100));
    }

    /**
     * Key-transfer and key-confirm results from association-service (one message of them): each meter's next step,
     * or its failure recorded. Written together: the confirmed versions activated in one transaction, the events and
     * the rotation rows in one statement batch each, the confirmation jobs published with one wait for the broker's
     * confirms (one transaction and one confirm per result made a 100,000-meter rotation take ~20 minutes).
     */
    public void onResults(List<MeterJobResult> results) throws SQLException {
        String actor = "association-service";
        List<KeyStore.Event> events = new ArrayList<>();
        List<KeyStore.RotationRow> rows = new ArrayList<>();
        List<MeterJob> confirms = new ArrayList<>();
        List<KeyStore.Activation> activations = new ArrayList<>();
        for (MeterJobResult result : results) {
            String[] id = result.jobId().split("/");
            if (id.length != 5 || !result.jobId().startsWith(PREFIX)) {
                LOG.warnf("key result %s is not one of a rotation's jobs; ignored", result.jobId());
                continue;
            }
            UUID batch = UUID.fromString(id[1]);
            String meterId = result.meterId();
            int version = Integer.parseInt(id[4]);
            if (result.status() == MeterJobResult.Status.FAILED) {
                rows.add(new KeyStore.RotationRow(batch, meterId, version, "FAILED",
                        result.failure().code() + " in " + result.command() + ": " + result.failure().message(), actor));
                events.add(new KeyStore.Event(actor, result.command().equals(TransferKeys.TYPE)
                        ? "TRANSFER_FAILED" : "CONFIRM_FAILED", meterId, version, result.failure().code()));
            } else if (result.command().equals(TransferKeys.TYPE)) {
                KeysInstalled installed = (KeysInstalled) result.outcome();
                events.add(new KeyStore.Event(actor, "TRANSFERRED", meterId, version,
                        "key_transfer answered success (association with key v" + installed.usedVersion() + ")"));
                rows.add(new KeyStore.RotationRow(batch, meterId, version, "CONFIRM_SENT", null, actor));
                confirms.add(new MeterJob(jobId(batch, meterId, "confirm", version), batch.toString(), meterId,
                        Instant.now(), new ConfirmKeys(version)));
            } else {
                activations.add(vault.activation(meterId, version, actor));
                rows.add(new KeyStore.RotationRow(batch, meterId, version, "ACTIVE", null, actor));
            }
        }
        store.activate(activations);
        store.events(events);
        store.rotations(rows);
        publish(confirms);
    }

    static String jobId(UUID batch, String meterId, String step, int version) {
        return PREFIX + batch + "/" + meterId + "/" + step + "/" + version;
    }

    private void publish(List<MeterJob> list) {
        if (list.isEmpty()) {
            return;
        }
        try {
            jobs.publishAll(list).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the versions stay PENDING and the meters readable; asking again resends them
            throw new IllegalStateException("the broker did not confirm " + list.size() + " key jobs (" + e.getMessage()
                    + "); the rotation can be asked for again, it resends the same PENDING versions", e);
        }
    }
}
