package org.amihes.security.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.registry.MeterGroup;
import org.amihes.service.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.amihes.security.domain.CounterWindow;
import org.amihes.security.persistence.InvocationCounterStore;
import org.amihes.security.persistence.InvocationCounterStore.CounterSpaceExhausted;
import org.amihes.security.persistence.InvocationCounterStore.StoredCounter;
import org.amihes.service.rest.ProblemException;
import org.jboss.resteasy.reactive.RestPath;

/**
 * Invocation counters per meter and key. association-service reserves a window before it ciphers with a key and
 * uses it from memory; because every window starts above all windows before it, a restarted or second replica
 * never sends a counter a meter has already seen.
 */
@Path("/meters/{meterId}/invocation-counters")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InvocationCounterResource {

    static final String ID = MeterGroup.ID;

    @Inject
    InvocationCounterStore store;

    @Inject
    org.amihes.security.keys.MeterCredentials consumers;

    @Inject
    org.eclipse.microprofile.jwt.JsonWebToken token;

    /**
     * Reserves the next window. Repeating a request is safe: it gets a new window, never one handed out before
     * (unused counters are skipped, which a meter accepts: it only refuses counters that do not increase).
     */
    @RolesAllowed(Roles.KEY_CONSUMER)
    @POST
    @Path("/{keyId}/reservations")
    public Uni<CounterWindow> reserve(@RestPath @Pattern(regexp = ID) String meterId,
            @RestPath @Pattern(regexp = ID) String keyId, @NotNull @Valid CounterReservationRequest request) {
        consumers.authorizeConsumer(token.getClaim("azp"));
        return store.reserve(meterId, keyId, request.atLeastOrOne(), request.count())
                .onFailure(CounterSpaceExhausted.class)
                .transform(e -> ProblemException.conflict("keyId", e.getMessage()));
    }

    /** The next counter of each key of this meter; empty when none was ever reserved. */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @GET
    public Uni<List<StoredCounter>> list(@RestPath @Pattern(regexp = ID) String meterId) {
        return store.list(meterId);
    }
}
