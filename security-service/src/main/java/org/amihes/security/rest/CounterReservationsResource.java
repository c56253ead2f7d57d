package org.amihes.security.rest;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.amihes.security.persistence.InvocationCounterStore;
import org.amihes.service.security.Roles;

/**
 * Invocation counter windows for many meters in one request: association-service reserves the windows of the meters
 * it is about to associate with together (one statement in PostgreSQL instead of one per meter).
 */
@Path("/invocation-counters/reservations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CounterReservationsResource {

    /** The windows in the order asked; a key whose counter space is used up has {@code refused} instead. */
    public record Reserved(List<InvocationCounterStore.Reserved> windows) {
    }

    @Inject
    InvocationCounterStore store;

    @Inject
    org.amihes.security.keys.MeterCredentials consumers;

    @Inject
    org.eclipse.microprofile.jwt.JsonWebToken token;

    /** As {@code POST /meters/{meterId}/invocation-counters/{keyId}/reservations} for each; safe to repeat. */
    @RolesAllowed(Roles.KEY_CONSUMER)
    @POST
    public Uni<Reserved> reserve(@NotNull @Valid CounterReservationsRequest request) {
        consumers.authorizeConsumer(token.getClaim("azp"));
        List<InvocationCounterStore.Wanted> wanted = request.reservations().stream()
                .map(r -> new InvocationCounterStore.Wanted(r.meterId(), r.keyId(), r.atLeast() == null ? 1 : r.atLeast()))
                .toList();
        return store.reserveAll(wanted, request.count()).map(Reserved::new);
    }
}
