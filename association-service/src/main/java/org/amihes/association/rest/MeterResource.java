package org.amihes.association.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.amihes.association.domain.Meter;
import org.amihes.association.MeterRegistry;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.association.persistence.MeterStore;
import org.amihes.service.rest.ProblemException;
import org.amihes.service.rest.QueryParams;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The meter registry. Reads come from memory; writes go to PostgreSQL first, then to memory. */
@Path("/meters")
public class MeterResource {

    private final MeterDirectory directory;
    private final MeterRegistry registry;
    private final RegistryFileParser parser;

    public MeterResource(MeterDirectory directory, MeterRegistry registry, RegistryFileParser parser) {
        this.directory = directory;
        this.registry = registry;
        this.parser = parser;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Operation(summary = "List registered meters, ordered by id; prefix keeps the ids that start with it, total counts them")
    public MeterPage list(@QueryParam("prefix") @DefaultValue("") String prefix,
                          @QueryParam("offset") @Parameter(description = "0 or more, default 0") String offsetParam,
                          @QueryParam("limit") @Parameter(description = "1 to 100000, default 1000") String limitParam) {
        int offset = QueryParams.intParam("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
        int limit = QueryParams.intParam("limit", limitParam, 1000, 1, 100_000);
        MeterDirectory.Selection selection = directory.select(prefix);
        return new MeterPage(selection.size(), offset, limit, selection.page(offset, limit));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{meterId}")
    @Operation(summary = "One registered meter")
    public Meter get(@PathParam("meterId") String meterId) {
        return directory.find(meterId).orElseThrow(() -> unknown(meterId));
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{meterId}")
    @Operation(summary = "Register or update a meter (idempotent): 201 when created, 200 otherwise")
    public Uni<Response> put(@PathParam("meterId") String meterId, @Valid @NotNull MeterEntry entry) {
        if (!meterId.equals(entry.meterId())) {
            throw ProblemException.invalidRequest("meterId", "'" + entry.meterId() + "' in the body differs from '"
                    + meterId + "' in the path; a meter cannot be renamed");
        }
        Meter meter = entry.toMeter();
        return registry.upsert(meter).map(outcome ->
                Response.status(outcome == MeterStore.Outcome.CREATED ? 201 : 200).entity(meter).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/import")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking // the body is parsed as a stream, record by record
    @Operation(summary = "Import a meter_registry.json (idempotent, all or nothing; bad records named by field and line)")
    public Uni<MeterStore.ImportSummary> importRegistry(InputStream body) throws IOException {
        return registry.importAll(parser.parse(body));
    }

    static ProblemException unknown(String meterId) {
        return ProblemException.notFound("meterId", "meter '" + meterId + "' is not registered");
    }
}
