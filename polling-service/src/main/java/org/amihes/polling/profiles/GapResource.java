package org.amihes.polling.profiles;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.List;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** GET /gaps: the capture times a meter's profile lacks in a range, and what backfill did about them. */
@Path("/gaps")
public class GapResource {

    /** A missing range [from, to) with its backfill so far (null when none was tried yet). */
    public record GapView(Instant from, Instant to, long missing, Integer backfillAttempts, Instant lastAttemptAt) {
    }

    /**
     * The answer. {@code periodFrom}: {@code meter} when the meter declared the capture period, {@code vendor} when
     * it never answered yet and the period is the one its vendor's meters declare.
     */
    public record MeterGaps(String meterId, String profile, long capturePeriodSeconds, String periodFrom, Instant from, Instant to,
                            long expected, long stored, long missing, List<GapView> gaps,
                            List<GapStore.Attempt> backfills) {
    }

    private final GapStore gaps;
    private final ProfileStore store;
    private final ProfileReads reads;

    public GapResource(GapStore gaps, ProfileStore store, ProfileReads reads) {
        this.gaps = gaps;
        this.store = store;
        this.reads = reads;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Operation(summary = "Missing intervals of a meter's load profile in [from, to) (to is cut at now)")
    public Uni<MeterGaps> gaps(@QueryParam("meter") String meter, @QueryParam("profile") String profileParam,
                               @QueryParam("from") String fromParam, @QueryParam("to") String toParam) {
        if (meter == null || meter.isBlank()) {
            throw ProblemException.invalidField("meter", "query parameter 'meter' is required");
        }
        Instant from = QueryTimes.instant("from", fromParam);
        Instant requestedTo = QueryTimes.instant("to", toParam);
        if (!from.isBefore(requestedTo)) {
            throw ProblemException.invalidRequest("to", "'to' (" + requestedTo + ") must be after 'from' (" + from + ")");
        }
        Instant now = Instant.now();
        if (from.isAfter(now)) {
            throw ProblemException.invalidField("from", "'from' (" + from + ") is in the future (now " + now + ")");
        }
        Instant to = requestedTo.isAfter(now) ? now : requestedTo;
        if (profileParam != null && !reads.known(profileParam)) {
            throw ProblemException.invalidField("profile", "unknown profile '" + profileParam + "'; known: "
                    + reads.knownProfiles());
        }
        return store.vendors(List.of(meter)).chain(vendors -> {
            if (!vendors.containsKey(meter)) {
                throw ProblemException.notFound("meter", "meter '" + meter + "' is not registered");
            }
            String profile = profileParam != null ? profileParam : reads.profileOf(vendors.get(meter));
            return gaps.meterProfile(meter, profile).chain(mp -> {
                if (mp.isEmpty()) {
                    throw ProblemException.conflict("meter", "meter '" + meter + "' was never asked for " + profile
                            + ": no capture time of it is expected yet");
                }
                Integer own = mp.get().capturePeriodSeconds();
                Uni<java.util.Optional<Integer>> known = own != null ? Uni.createFrom().item(java.util.Optional.of(own))
                        : gaps.vendorPeriod(vendors.get(meter), profile);
                return known.chain(p -> {
                    if (p.isEmpty() || p.get() <= 0) {
                        throw ProblemException.conflict("meter", "the capture period of " + profile + " on meter '"
                                + meter + "' is not known yet: the meter never answered a profile read and no meter "
                                + "of its vendor did (gaps are counted against the period the meter declares)");
                    }
                    return answer(meter, profile, p.get(), own != null ? "meter" : "vendor", from, to);
                });
            });
        });
    }

    private Uni<MeterGaps> answer(String meter, String profile, long period, String periodFrom, Instant from, Instant to) {
        return gaps.storedTimes(meter, profile, from, to).chain(stored -> gaps.attempts(meter, profile).map(attempts -> {
            List<Gaps.Gap> missing = Gaps.find(from, to, period, stored);
            List<GapView> views = missing.stream().map(g -> {
                GapStore.Attempt a = attempts.stream().filter(x -> x.gapFrom().equals(g.from()) && x.filledAt() == null)
                        .findFirst().orElse(null);
                return new GapView(g.from(), g.to(), g.missing(), a == null ? null : a.attempts(),
                        a == null ? null : a.lastAttemptAt());
            }).toList();
            long expected = Gaps.expected(from, to, period);
            long lacking = missing.stream().mapToLong(Gaps.Gap::missing).sum();
            List<GapStore.Attempt> inRange = attempts.stream()
                    .filter(a -> a.gapTo().isAfter(from) && a.gapFrom().isBefore(to)).toList();
            return new MeterGaps(meter, profile, period, periodFrom, from, to, expected, expected - lacking,
                    lacking, views, inRange);
        }));
    }
}
