package org.amihes.polling.profiles;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** POST /profiles/reads: a profile read batch, followed at /reads/{batchId} like any read batch. */
@Path("/profiles/reads")
public class ProfileReadResource {

    /** The answer: the batch and where its progress is. */
    public record Accepted(String batchId, int requested, String location) {
    }

    private final ProfileReads reads;

    public ProfileReadResource(ProfileReads reads) {
        this.reads = reads;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Operation(summary = "Read load profiles now for capture times [from, to) (202 with the batch; progress at /reads/{id})")
    public Uni<Response> read(@Valid @NotNull ProfileReadRequest request) {
        return reads.start(request).map(s -> {
            String location = "/reads/" + s.batchId();
            return Response.status(202).location(URI.create(location))
                    .entity(new Accepted(s.batchId().toString(), s.requested(), location)).build();
        });
    }
}
