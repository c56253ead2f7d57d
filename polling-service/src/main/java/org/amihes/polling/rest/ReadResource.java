package org.amihes.polling.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.service.security.Roles;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.amihes.contracts.ReadRegisters;
import org.amihes.polling.domain.BatchProgress;
import org.amihes.polling.application.ProgressEvents;
import org.amihes.polling.application.ReadBatches;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.polling.registry.MeterView;
import org.amihes.service.persistence.UniqueViolation;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** On-demand reads: a request becomes a batch of one job per meter, followed at /reads/{batchId}. */
@Path("/reads")
public class ReadResource {

    private final MeterView view;
    private final ReadStore store;
    private final ReadBatches batches;
    private final ProgressEvents progressEvents;

    public ReadResource(MeterView view, ReadStore store, ReadBatches batches, ProgressEvents progressEvents) {
        this.view = view;
        this.store = store;
        this.batches = batches;
        this.progressEvents = progressEvents;
    }

    @POST
    @Operation(summary = "Read meters now (202 with the batch; with an Idempotency-Key, a repeat returns the same batch "
            + "with 200, another request under the same key is 409)")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> read(@Valid @NotNull ReadRequest request, @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        boolean all = Boolean.TRUE.equals(request.all());
        if (all == (request.meterIds() != null)) {
            throw ProblemException.invalidRequest(request.meterIds() == null ? "meterIds" : "all",
                    "give either 'meterIds' or \"all\": true, not both and not neither");
        }
        List<String> registers = request.registers() == null ? List.of(ReadRegisters.ACTIVE_ENERGY_IMPORT) : request.registers();
        if (!all) {
            rejectDuplicates(request.meterIds());
        }
        Uni<Response> existing = idempotencyKey == null ? Uni.createFrom().nullItem()
                : repeated(idempotencyKey, all ? null : request.meterIds(), registers);
        return existing.chain(answer -> answer != null ? Uni.createFrom().item(answer)
                : resolve(all, request.meterIds()).chain(ids -> start(ids, registers, idempotencyKey))
                        // the same key stored meanwhile by a concurrent request: answer as a repeat of it
                        .onFailure(UniqueViolation::test).recoverWithUni(e -> idempotencyKey == null
                                ? Uni.createFrom().failure(e)
                                : repeated(idempotencyKey, all ? null : request.meterIds(), registers)));
    }

    /**
     * The answer to a request whose idempotency key is stored already: the same batch (200) when it asks for the same
     * meters and registers, 409 when it asks for something else (or the key named a schedule run); null when the key
     * is new.
     */
    private Uni<Response> repeated(String key, List<String> meterIds, List<String> registers) {
        return store.batchByIdempotencyKey(key).call(found -> found.isPresent() ? Uni.createFrom().voidItem()
                : store.refuseScheduleRunKey(key)).map(found -> found.map(stored -> {
            boolean same = stored.registers().equals(registers)
                    && (meterIds == null || stored.meterIds().equals(meterIds.stream().sorted().toList()));
            if (!same) {
                throw IdempotencyKey.reused(key, "batch " + stored.batchId());
            }
            return accepted(200, stored.batchId(), stored.requested(), registers);
        }).orElse(null));
    }


    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{batchId}")
    @Operation(summary = "Progress of a read batch: completed, ok, failed by class, duration once done")
    public Uni<BatchProgress> progress(@PathParam("batchId") String batchId) {
        UUID id = batchId(batchId);
        return store.progress(id).map(p -> p.orElseThrow(() -> ProblemException.notFound("batchId",
                "no read batch '" + batchId + "'")));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{batchId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "The batch's progress as server-sent events: one event when it changes (every second at most), "
            + "the last one with done=true, then the stream ends")
    @io.smallrye.common.annotation.Blocking
    public Multi<BatchProgress> events(@PathParam("batchId") String batchId) {
        // looked up before the stream starts (a worker thread: @Blocking): an unknown batch is a 404 answer, not a
        // stream that breaks off
        progress(batchId).await().atMost(java.time.Duration.ofSeconds(10));
        return progressEvents.of(batchId(batchId));
    }

    /**
     * The meters to read. {@code all}: every meter of this service's view of the registry. Listed ids are taken as
     * they are: the view may lag the registry, so an id the registry does not know comes back per job as HES-001.
     */
    private Uni<List<String>> resolve(boolean all, List<String> meterIds) {
        if (all) {
            return view.allMeterIds().invoke(ids -> {
                if (ids.isEmpty()) {
                    throw ProblemException.conflict("all", "polling-service knows no meter yet: its view of the "
                            + "registry fills from association-service's registry events (import meters there; a new "
                            + "view asks for the whole registry at start)");
                }
            });
        }
        return Uni.createFrom().item(meterIds);
    }

    private Uni<Response> start(List<String> meterIds, List<String> registers, String idempotencyKey) {
        // The batch and its jobs are stored before anything is published (a job in flight always has a row), and the
        // answer does not wait for the broker: once the batch is stored, the request has succeeded.
        return batches.start(meterIds, registers, idempotencyKey)
                .map(b -> accepted(202, b.batchId(), b.jobs().size(), registers));
    }

    private static UUID batchId(String batchId) {
        try {
            return UUID.fromString(batchId);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("batchId", "no read batch '" + batchId + "' (not a batch id)");
        }
    }

    private static Response accepted(int status, UUID batchId, int requested, List<String> registers) {
        String location = "/reads/" + batchId;
        return Response.status(status).location(URI.create(location))
                .entity(new BatchAccepted(batchId, requested, registers, location)).build();
    }

    private static void rejectDuplicates(List<String> meterIds) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < meterIds.size(); i++) {
            if (!seen.add(meterIds.get(i))) {
                throw ProblemException.invalidRequest("meterIds[" + i + "]", "lists '" + meterIds.get(i) + "' twice");
            }
        }
    }
}
