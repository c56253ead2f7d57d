package org.amihes.polling.schedules;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
    @Operation(summary = "Create a schedule (201); a bad group, cron or parameter is a 4xx and stores nothing")
    public Uni<Response> create(@Valid @NotNull ScheduleSpec spec) {
        return schedules.create(spec).map(v -> Response.created(URI.create("/schedules/" + v.id())).entity(v).build());
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
    @Operation(summary = "Replace a schedule's definition; its next fire is computed anew")
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
    @Operation(summary = "Fire the schedule now (202 with the fire and its batch); its timing is unchanged")
    public Uni<Response> run(@PathParam("id") String id) {
        return firing.runNow(uuid(id)).map(f -> {
            ScheduleFire fire = f.orElseThrow(() -> notFound(id));
            Response.ResponseBuilder answer = Response.status(202).entity(fire);
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
