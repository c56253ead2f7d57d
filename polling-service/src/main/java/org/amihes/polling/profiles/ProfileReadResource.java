package org.amihes.polling.profiles;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.HeaderParam;
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
    @Operation(summary = "Read load profiles now for capture times [from, to) (202 with the batch; progress at /reads/{id}; "
            + "with an Idempotency-Key, a repeat returns the same batch with 200 and reads nothing, another request under "
            + "the same key is 409)")
    public Uni<Response> read(@Valid @NotNull ProfileReadRequest request,
                              @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return reads.start(request, idempotencyKey).map(s -> {
            String location = "/reads/" + s.batchId();
            return Response.status(s.repeated() ? 200 : 202).location(URI.create(location))
                    .entity(new Accepted(s.batchId().toString(), s.requested(), location)).build();
        });
    }
}
