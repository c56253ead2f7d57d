package org.amihes.association.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.service.security.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.amihes.association.commands.CommandStore;
import org.amihes.association.commands.Commands;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.contracts.MeterCommand;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.amihes.service.security.Actor;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * Meter commands over REST. Each request carries an {@code Idempotency-Key}: the first request stores the command and
 * sends it; a repeat (also after a restart) answers the stored command and never reaches the meter again; the same
 * key with another command is 409. The command reads the meter's state first and writes nothing when it is there
 * already.
 */
@Path("/meters/{meterId}/commands")
@Produces(MediaType.APPLICATION_JSON)
public class CommandResource {

    /** What a command looks like to a client: its state and, once done, the job's result. */
    public record CommandView(String idempotencyKey, String meterId, String command, String status, String requestedBy,
                              java.time.Instant requestedAt, java.time.Instant completedAt, JsonNode result) {
    }

    private final Commands commands;
    private final MeterDirectory directory;
    private final ObjectMapper mapper;
    /** who asks, from the token (an X-Actor header is ignored); carried in the job as requestedBy */
    private final Actor actor;

    public CommandResource(Commands commands, MeterDirectory directory, ObjectMapper mapper, Actor actor) {
        this.commands = commands;
        this.directory = directory;
        this.mapper = mapper;
        this.actor = actor;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a command to a meter (disconnect, reconnect, clock-sync, tariff); Idempotency-Key required")
    public Uni<Response> send(@PathParam("meterId") String meterId, @NotNull MeterCommand command,
                              @RestHeader(IdempotencyKey.HEADER) String key) {
        if (key == null || key.isBlank() || key.length() > IdempotencyKey.MAX_LENGTH) {
            throw ProblemException.invalidField(IdempotencyKey.HEADER, "required: 1 to 128 characters, not blank; a repeat "
                    + "with the same key answers the first request and never reaches the meter again");
        }
        if (!Commands.CLIENT_COMMANDS.contains(command.commandType())) {
            throw ProblemException.invalidField("type", "'" + command.commandType() + "' is not a command clients send; "
                    + "they send " + String.join(", ", Commands.CLIENT_COMMANDS));
        }
        if (command instanceof org.amihes.contracts.WriteTariff tariff && !tariff.activateAt().isAfter(java.time.Instant.now())) {
            throw ProblemException.invalidField("activateAt", "must be in the future: the meter activates the passive "
                    + "calendar then (" + tariff.activateAt() + " has passed)");
        }
        if (directory.find(meterId).isEmpty()) {
            throw MeterResource.unknown(meterId);
        }
        return commands.request(meterId, command, key, actor.name())
                .map(r -> {
                    CommandView view = view(mapper, r.command());
                    boolean done = !"PENDING".equals(view.status());
                    return Response.status(done ? 200 : 202).location(URI.create("/commands/" + key)).entity(view).build();
                });
    }

    static CommandView view(ObjectMapper mapper, CommandStore.Stored s) {
        JsonNode result;
        try {
            result = s.result() == null ? null : mapper.readTree(s.result());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored result of " + s.idempotencyKey() + " is not JSON", e);
        }
        return new CommandView(s.idempotencyKey(), s.meterId(), s.commandType(), s.status(), s.requestedBy(),
                s.requestedAt(), s.completedAt(), result);
    }
}
