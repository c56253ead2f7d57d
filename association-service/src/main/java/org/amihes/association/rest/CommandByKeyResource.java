package org.amihes.association.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.amihes.association.commands.Commands;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A command asked for over REST, by its Idempotency-Key ({@link CommandResource}). */
@Path("/commands")
@Produces(MediaType.APPLICATION_JSON)
public class CommandByKeyResource {

    private final Commands commands;
    private final ObjectMapper mapper;

    public CommandByKeyResource(Commands commands, ObjectMapper mapper) {
        this.commands = commands;
        this.mapper = mapper;
    }

    @GET
    @Path("/{key}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "The command's state as server-sent events: now, then each change, the last one OK or FAILED "
            + "(the stream ends there, or after 10 minutes: reconnect for more)")
    public io.smallrye.mutiny.Multi<CommandResource.CommandView> events(@PathParam("key") String key) {
        return org.amihes.service.rest.ProgressStream.of(() -> get(key), view -> !"PENDING".equals(view.status()),
                java.time.Duration.ofMillis(250), java.time.Duration.ofMinutes(10));
    }

    @GET
    @Path("/{key}")
    @Operation(summary = "A command by its Idempotency-Key: PENDING, OK or FAILED, with the meter's state before and after")
    public Uni<CommandResource.CommandView> get(@PathParam("key") String key) {
        return commands.find(key).map(found -> CommandResource.view(mapper, found.orElseThrow(() ->
                ProblemException.notFound("key", "no command with Idempotency-Key '" + key + "'"))));
    }
}
