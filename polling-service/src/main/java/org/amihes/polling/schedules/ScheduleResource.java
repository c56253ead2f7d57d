package org.amihes.polling.schedules;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Schedules: CRUD, and "run now". Each fire's batch is followed at {@code /reads/{batchId}} (and its event stream). */
@Path("/schedules")
public class ScheduleResource {

    private final Schedules schedules;
    private final ScheduleFiring firing;

    public ScheduleResource(Schedules schedules, ScheduleFiring firing) {
        this.schedules = schedules;
        this.firing = firing;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Operation(summary = "Create a schedule (201); a bad group, cron or parameter is a 4xx and stores nothing; with an "
            + "Idempotency-Key, a repeat returns the same schedule with 200, another request under the same key is 409")
    public Uni<Response> create(@Valid @NotNull ScheduleSpec spec,
                                @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return schedules.create(spec, idempotencyKey).map(c -> Response.status(c.repeated() ? 200 : 201)
                .location(URI.create("/schedules/" + c.schedule().id())).entity(c.schedule()).build());
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Operation(summary = "Every schedule with its next fire")
    public Uni<List<ScheduleView>> list() {
        return schedules.list();
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}")
    @Operation(summary = "A schedule: next fire, last fire and the recent fires with the batch each created")
    public Uni<ScheduleView> get(@PathParam("id") String id) {
        return schedules.view(uuid(id)).map(v -> v.orElseThrow(() -> notFound(id)));
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{id}")
    @Operation(summary = "Replace a schedule's definition; its next fire is computed anew (the stored definition again "
            + "changes nothing, not even the next fire)")
    public Uni<ScheduleView> put(@PathParam("id") String id, @Valid @NotNull ScheduleSpec spec) {
        UUID uuid = uuid(id);
        return schedules.update(uuid, spec).map(v -> v.orElseThrow(() -> notFound(id)));
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a schedule (its batches stay)")
    public Uni<Response> delete(@PathParam("id") String id) {
        return schedules.delete(uuid(id)).map(deleted -> {
            if (!deleted) {
                throw notFound(id);
            }
            return Response.noContent().build();
        });
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{id}/run")
    @Operation(summary = "Fire the schedule now (202 with the fire and its batch); its timing is unchanged; with an "
            + "Idempotency-Key, a repeat returns the same fire and batch with 200, the key used for anything else is 409")
    public Uni<Response> run(@PathParam("id") String id, @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        UUID uuid = uuid(id);
        return firing.runNow(uuid, idempotencyKey).map(r -> {
            ScheduleFiring.Run run = r.orElseThrow(() -> notFound(id));
            ScheduleFire fire = run.fire();
            Response.ResponseBuilder answer = Response.status(run.repeated() ? 200 : 202).entity(fire);
            if (fire.batchId() != null) {
                answer.location(URI.create("/reads/" + fire.batchId()));
            }
            return answer.build();
        });
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("id", "no schedule '" + id + "' (not a schedule id)");
        }
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("id", "no schedule '" + id + "'");
    }
}
