package org.amihes.association.rest;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
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
import org.eclipse.microprofile.openapi.annotations.Operation;

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

    @GET
    @Operation(summary = "List registered meters, ordered by id; prefix keeps the ids that start with it, total counts them")
    public MeterPage list(@QueryParam("prefix") @DefaultValue("") String prefix,
                          @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
                          @QueryParam("limit") @DefaultValue("1000") @Min(1) @Max(100_000) int limit) {
        MeterDirectory.Selection selection = directory.select(prefix);
        return new MeterPage(selection.size(), offset, limit, selection.page(offset, limit));
    }

    @GET
    @Path("/{meterId}")
    @Operation(summary = "One registered meter")
    public Meter get(@PathParam("meterId") String meterId) {
        return directory.find(meterId).orElseThrow(() -> unknown(meterId));
    }

    @PUT
    @Path("/{meterId}")
    @Operation(summary = "Register or update a meter (idempotent): 201 when created, 200 otherwise")
    public Uni<Response> put(@PathParam("meterId") String meterId, @Valid @NotNull MeterEntry entry) {
        if (!meterId.equals(entry.meterId())) {
            throw new BadRequestException("meterId in the body ('" + entry.meterId() + "') differs from the path ('"
                    + meterId + "')");
        }
        Meter meter = entry.toMeter();
        return registry.upsert(meter).map(outcome ->
                Response.status(outcome == MeterStore.Outcome.CREATED ? 201 : 200).entity(meter).build());
    }

    @POST
    @Path("/import")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking // the body is parsed as a stream, record by record
    @Operation(summary = "Import a meter_registry.json (idempotent, all or nothing; bad records named by field and line)")
    public Uni<MeterStore.ImportSummary> importRegistry(InputStream body) throws IOException {
        return registry.importAll(parser.parse(body));
    }

    static NotFoundException unknown(String meterId) {
        return new NotFoundException("meter '" + meterId + "' is not registered");
    }
}
