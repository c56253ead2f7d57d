package org.amihes.association.rest;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.amihes.association.SessionResets;
import org.amihes.association.domain.MeterDirectory;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.amihes.service.security.Actor;

/** A meter's association, as an operator handles it. */
@Path("/meters/{meterId}/session")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionResets resets;
    private final MeterDirectory directory;
    /** who asks, from the token (an X-Actor header is ignored) */
    private final Actor actor;

    public SessionResource(SessionResets resets, MeterDirectory directory, Actor actor) {
        this.resets = resets;
        this.directory = directory;
        this.actor = actor;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/reset")
    @Operation(summary = "End the meter's association (a hung one) without a restart, in whichever replica has it "
            + "open: the job in it fails as DLMS-106 and the meter's next job associates anew; audited as SESSION_RESET")
    public Uni<SessionResets.Reset> reset(@PathParam("meterId") String meterId) {
        var meter = directory.find(meterId).orElseThrow(() -> MeterResource.unknown(meterId));
        return resets.reset(meter, actor.name());
    }
}
