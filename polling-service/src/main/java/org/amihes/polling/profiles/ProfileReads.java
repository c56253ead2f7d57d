package org.amihes.polling.profiles;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.ReadProfile;
import org.amihes.polling.messaging.JobDispatcher;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.service.rest.ProblemException;

/**
 * The "read load profiles now" use case: checks the request (range, profile, meters), resolves each meter's profile,
 * stores the batch with one job per meter and hands it to the {@link JobDispatcher}. Also starts backfill batches.
 */
@ApplicationScoped
public class ProfileReads {

    /** A stored batch; {@code repeated} when an earlier request under the same idempotency key stored it. */
    public record Started(UUID batchId, int requested, boolean repeated) {
    }

    private final ProfileStore store;
    private final ReadStore readStore;
    private final JobDispatcher dispatcher;
    private final ProfilesConfig config;
    private final Clock clock = Clock.systemUTC();

    public ProfileReads(ProfileStore store, ReadStore readStore, JobDispatcher dispatcher, ProfilesConfig config) {
        this.store = store;
        this.readStore = readStore;
        this.dispatcher = dispatcher;
        this.config = config;
    }

    /**
     * Starts the batch; with an idempotency key, a request stored under it already answers that batch (when it asked
     * for the same) and stores nothing, or is a 409 (when it asked for something else).
     */
    public Uni<Started> start(ProfileReadRequest request, String idempotencyKey) {
        boolean all = Boolean.TRUE.equals(request.all());
        if (all == (request.meterIds() != null)) {
            throw ProblemException.invalidRequest(request.meterIds() == null ? "meterIds" : "all",
                    "give either 'meterIds' or \"all\": true, not both and not neither");
        }
        checkRange(request.from(), request.to());
        if (request.profile() != null && !known(request.profile())) {
            throw ProblemException.invalidField("profile", "unknown profile '" + request.profile() + "'; known: "
                    + knownProfiles());
        }
        if (!all) {
            rejectDuplicates(request.meterIds());
        }
        if (idempotencyKey == null) {
            return store(request, all, null);
        }
        return repeated(idempotencyKey, request, all).chain(found -> found != null ? Uni.createFrom().item(found)
                : store(request, all, idempotencyKey)
                        // the same key stored meanwhile by a concurrent request: answer as a repeat of it
                        .onFailure(org.amihes.service.persistence.UniqueViolation::test)
                        .recoverWithUni(e -> repeated(idempotencyKey, request, all)));
    }

    /** What a request asked for besides its meters, as stored with its batch to recognise a repeat. */
    static String fingerprint(ProfileReadRequest request, boolean all) {
        return "profile=" + (request.profile() == null ? "(vendor's)" : request.profile()) + ";from=" + request.from()
                + ";to=" + request.to() + ";meters=" + (all ? "all" : "listed");
    }

    /**
     * The batch stored under the key, when the request is the same; 409 when it is another (or the key named a schedule
     * run); null when the key is new.
     */
    private Uni<Started> repeated(String key, ProfileReadRequest request, boolean all) {
        return store.batchByIdempotencyKey(key).call(found -> found.isPresent() ? Uni.createFrom().voidItem()
                : readStore.refuseScheduleRunKey(key)).map(found -> found.map(stored -> {
            boolean same = fingerprint(request, all).equals(stored.request())
                    && (all || stored.meterIds().equals(request.meterIds().stream().sorted().toList()));
            if (!same) {
                throw IdempotencyKey.reused(key, "batch " + stored.batchId());
            }
            return new Started(stored.batchId(), stored.requested(), true);
        }).orElse(null));
    }


    private Uni<Started> store(ProfileReadRequest request, boolean all, String idempotencyKey) {
        Uni<Map<String, String>> vendors = all ? store.allVendors() : store.vendors(request.meterIds());
        return vendors.chain(byMeter -> {
            List<String> ids = all ? new ArrayList<>(byMeter.keySet()) : request.meterIds();
            if (all && ids.isEmpty()) {
                throw ProblemException.conflict("all", "polling-service knows no meter yet (its registry view is empty)");
            }
            if (!all) {
                rejectUnknown(ids, byMeter);
            }
            UUID batchId = UUID.randomUUID();
            Instant now = clock.instant();
            List<MeterJob> jobs = new ArrayList<>(ids.size());
            for (String id : ids) {
                String profile = request.profile() != null ? request.profile() : profileOf(byMeter.get(id));
                jobs.add(new MeterJob(batchId + "/" + id, batchId.toString(), id, now,
                        ReadProfile.range(profile, request.from(), request.to())));
            }
            return store.createBatch(batchId, jobs, idempotencyKey, fingerprint(request, all), false)
                    .invoke(() -> dispatcher.dispatch(batchId, jobs))
                    .map(v -> new Started(batchId, jobs.size(), false));
        });
    }

    /** One backfill batch: one job per (meter, missing range). */
    Uni<Started> backfill(List<MeterJob> jobs, UUID batchId) {
        return store.createBatch(batchId, jobs, null, null, true)
                .invoke(() -> dispatcher.dispatch(batchId, jobs))
                .map(v -> new Started(batchId, jobs.size(), false));
    }

    /** The load profile a meter of this vendor keeps. */
    public String profileOf(String vendor) {
        return vendor == null ? config.loadProfile() : config.vendorProfile().getOrDefault(vendor, config.loadProfile());
    }

    boolean known(String profile) {
        return knownProfiles().contains(profile);
    }

    Set<String> knownProfiles() {
        Set<String> known = new java.util.TreeSet<>(config.known());
        known.add(config.loadProfile());
        known.addAll(config.vendorProfile().values());
        return known;
    }

    /** [from, to) must be in order, not in the future, and not longer than the meters' buffers. */
    void checkRange(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw ProblemException.invalidRequest("to", "'to' (" + to + ") must be after 'from' (" + from + ")");
        }
        Instant now = clock.instant();
        if (to.isAfter(now)) {
            throw ProblemException.invalidField("to", "'to' (" + to + ") is in the future (now " + now
                    + "): intervals not captured yet cannot be read");
        }
        if (java.time.Duration.between(from, to).compareTo(config.maxRange()) > 0) {
            throw ProblemException.invalidField("from", "the range is longer than " + config.maxRange()
                    + " (hes.profiles.max-range)");
        }
    }

    private static void rejectUnknown(List<String> ids, Map<String, String> known) {
        List<String> unknown = new ArrayList<>();
        int first = -1;
        for (int i = 0; i < ids.size(); i++) {
            if (!known.containsKey(ids.get(i))) {
                if (first < 0) {
                    first = i;
                }
                if (unknown.size() < 10) {
                    unknown.add(ids.get(i));
                }
            }
        }
        if (first >= 0) {
            throw ProblemException.notFound("meterIds[" + first + "]", "unknown meters (not in the registry): "
                    + unknown + (unknown.size() == 10 ? " and maybe more" : ""));
        }
    }

    private static void rejectDuplicates(List<String> meterIds) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < meterIds.size(); i++) {
            if (!seen.add(meterIds.get(i))) {
                throw ProblemException.invalidRequest("meterIds[" + i + "]", "lists '" + meterIds.get(i) + "' twice");
            }
        }
    }
}
