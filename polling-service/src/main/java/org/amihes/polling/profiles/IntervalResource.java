package org.amihes.polling.profiles;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.List;
import org.amihes.service.rest.QueryParams;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** GET /meters/{id}/intervals: stored load-profile intervals, oldest first. */
@Path("/meters/{meterId}/intervals")
public class IntervalResource {

    private final ProfileStore store;

    public IntervalResource(ProfileStore store) {
        this.store = store;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Operation(summary = "Stored profile intervals of a meter with capture time in [from, to), oldest first")
    public Uni<List<ProfileStore.StoredInterval>> intervals(@PathParam("meterId") String meterId,
                                                            @QueryParam("profile") String profile,
                                                            @QueryParam("from") String fromParam,
                                                            @QueryParam("to") String toParam,
                                                            @QueryParam("limit") String limitParam) {
        int limit = QueryParams.intParam("limit", limitParam, 10_000, 1, 100_000);
        Instant from = QueryTimes.instant("from", fromParam);
        Instant to = QueryTimes.instant("to", toParam);
        if (!from.isBefore(to)) {
            throw ProblemException.invalidRequest("to", "'to' (" + to + ") must be after 'from' (" + from + ")");
        }
        return store.vendors(List.of(meterId)).chain(v -> {
            if (v.isEmpty()) {
                throw ProblemException.notFound("meterId", "meter '" + meterId + "' is not registered");
            }
            return store.intervals(meterId, profile, from, to, limit);
        });
    }
}
