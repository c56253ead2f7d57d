package org.amihes.association.rest;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.amihes.association.MeterConnectivity;
import org.amihes.service.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Whether a meter answers: its offline mark in the registry, and its measured round trips and timeout. */
@Path("/meters/{meterId}/connectivity")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectivityResource {

    private final MeterConnectivity connectivity;

    public ConnectivityResource(MeterConnectivity connectivity) {
        this.connectivity = connectivity;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Operation(summary = "Whether the meter is marked offline (since when, after how many failed jobs, the last failure); "
            + "its failed jobs in a row, round trips and response timeout as the replica that owns it measured them")
    public Uni<MeterConnectivity.View> get(@PathParam("meterId") String meterId) {
        return connectivity.view(meterId).map(v -> v.orElseThrow(() -> MeterResource.unknown(meterId)));
    }
}
