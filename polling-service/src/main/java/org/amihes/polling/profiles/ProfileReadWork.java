package org.amihes.polling.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.contracts.JobPriority;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadProfile;
import org.amihes.polling.messaging.JobDispatcher;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.polling.schedules.ScheduledWork;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;

/**
 * {@code read-profile}: a schedule that reads load profiles. Parameters {@code {"profile": "1.0.99.1.0.255",
 * "firstRead": "P1D"}}, both optional: the profile (default: each meter's vendor's load profile) and how far back a
 * meter with no interval stored yet is read. Each fire reads, per meter, the capture times since the last interval
 * stored for it ({@code meter_profile.last_captured_at}, exclusive) up to the fire, never further back than
 * {@code hes.profiles.max-range}: a meter that missed fires catches up in one job, and what it misses inside a range
 * is a gap for backfill. Each fire is a profile read batch like {@code POST /profiles/reads}.
 */
@ApplicationScoped
public class ProfileReadWork implements ScheduledWork {

    static final Duration FIRST_READ = Duration.ofDays(1);

    private final ProfileReads reads;
    private final ProfileStore store;
    private final ReadStore readStore;
    private final JobDispatcher dispatcher;
    private final ProfilesConfig config;

    public ProfileReadWork(ProfileReads reads, ProfileStore store, ReadStore readStore, JobDispatcher dispatcher,
                           ProfilesConfig config) {
        this.reads = reads;
        this.store = store;
        this.readStore = readStore;
        this.dispatcher = dispatcher;
        this.config = config;
    }

    @Override
    public String kind() {
        return ReadProfile.TYPE;
    }

    @Override
    public JsonNode check(JsonNode parameters) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("firstRead", FIRST_READ.toString());
        if (parameters == null || parameters.isNull()) {
            return out;
        }
        if (!parameters.isObject()) {
            throw ProblemException.invalidField("job.parameters", "must be an object, e.g. {\"profile\": \"1.0.99.1.0.255\"}");
        }
        for (Iterator<String> names = parameters.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("profile") && !name.equals("firstRead")) {
                throw new ProblemException(Problem.ofField(Problem.Type.UNKNOWN_FIELD, "job.parameters." + name,
                        "read-profile takes only 'profile' and 'firstRead'"));
            }
        }
        JsonNode profile = parameters.get("profile");
        if (profile != null && !profile.isNull()) {
            if (!profile.isTextual() || !reads.known(profile.asText())) {
                throw ProblemException.invalidField("job.parameters.profile", "unknown profile " + profile + "; known: "
                        + reads.knownProfiles());
            }
            out.put("profile", profile.asText());
        }
        JsonNode first = parameters.get("firstRead");
        if (first != null && !first.isNull()) {
            Duration d;
            try {
                d = Duration.parse(first.asText());
            } catch (DateTimeParseException e) {
                throw new ProblemException(Problem.ofField(Problem.Type.WRONG_TYPE, "job.parameters.firstRead",
                        "'" + first.asText() + "' is not an ISO-8601 duration (e.g. P1D, PT6H)"));
            }
            if (d.isNegative() || d.isZero() || d.compareTo(config.maxRange()) > 0) {
                throw ProblemException.invalidField("job.parameters.firstRead", "must be positive and at most "
                        + config.maxRange() + " (hes.profiles.max-range)");
            }
            out.put("firstRead", d.toString());
        }
        return out;
    }

    @Override
    public Uni<Started> store(SqlConnection conn, List<String> meterIds, JsonNode parameters, String idempotencyKey) {
        String profile = parameters.hasNonNull("profile") ? parameters.get("profile").asText() : null;
        Duration firstRead = Duration.parse(parameters.get("firstRead").asText());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant oldest = now.minus(config.maxRange());
        String[] ids = meterIds.toArray(String[]::new);
        return conn.preparedQuery("SELECT m.meter_id, m.vendor, mp.profile, mp.last_captured_at FROM polling.meter m "
                        + "LEFT JOIN polling.meter_profile mp ON mp.meter_id = m.meter_id WHERE m.meter_id = ANY($1::text[])")
                .execute(Tuple.of((Object) ids))
                .chain(rows -> {
                    Map<String, String> vendors = new HashMap<>(ids.length * 2);
                    Map<String, Instant> last = new HashMap<>(ids.length * 2);
                    rows.forEach(r -> {
                        vendors.put(r.getString("meter_id"), r.getString("vendor"));
                        if (r.getOffsetDateTime("last_captured_at") != null) {
                            last.put(r.getString("meter_id") + " " + r.getString("profile"),
                                    r.getOffsetDateTime("last_captured_at").toInstant());
                        }
                    });
                    UUID batchId = UUID.randomUUID();
                    List<MeterJob> jobs = new ArrayList<>(ids.length);
                    for (String id : meterIds) {
                        if (!vendors.containsKey(id)) {
                            continue; // left the registry since the group was resolved
                        }
                        String p = profile != null ? profile : reads.profileOf(vendors.get(id));
                        Instant stored = last.get(id + " " + p);
                        Instant from = stored != null ? stored.plusSeconds(1) : now.minus(firstRead);
                        if (from.isBefore(oldest)) {
                            from = oldest;
                        }
                        if (from.isBefore(now)) {
                            // a schedule's reads: on-demand reads and commands are admitted first
                            jobs.add(new MeterJob(batchId + "/" + id, batchId.toString(), id, now,
                                    ReadProfile.range(p, from, now), null, JobPriority.SCHEDULED));
                        }
                    }
                    return store.createBatch(conn, batchId, jobs, idempotencyKey, null, false)
                            .map(v -> new Started(batchId, jobs.size(), () -> dispatcher.dispatch(batchId, jobs)));
                });
    }

    @Override
    public Uni<Boolean> running(SqlConnection conn, UUID batchId) {
        return readStore.running(conn, batchId);
    }
}
