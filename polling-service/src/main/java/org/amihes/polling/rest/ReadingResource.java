package org.amihes.polling.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.amihes.polling.domain.Reading;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.polling.registry.MeterView;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;
import org.amihes.service.rest.QueryParams;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("/meters/{meterId}/readings")
public class ReadingResource {

    private final ReadStore store;
    private final MeterView view;

    public ReadingResource(ReadStore store, MeterView view) {
        this.store = store;
        this.view = view;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Operation(summary = "Stored readings of a meter, newest first; 404 if the meter is neither registered nor has readings")
    public Uni<List<Reading>> readings(@PathParam("meterId") String meterId,
                                       @QueryParam("obis") String obis,
                                       @QueryParam("from") String from,
                                       @QueryParam("to") String to,
                                       @QueryParam("limit") @Parameter(description = "1 to 10000, default 1000") String limitParam) {
        int limit = QueryParams.intParam("limit", limitParam, 1000, 1, 10_000);
        Instant fromTime = instant("from", from);
        Instant toTime = instant("to", to);
        return view.knows(meterId).chain(known -> {
            if (!known) {
                throw ProblemException.notFound("meterId", "meter '" + meterId + "' is not registered");
            }
            return store.readings(meterId, obis, fromTime, toTime, limit);
        });
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(Problem.ofField(Problem.Type.WRONG_TYPE, name,
                    "query parameter '" + name + "': '" + value + "' is not an ISO-8601 instant (e.g. 2026-06-15T08:00:00Z)"));
        }
    }
}
