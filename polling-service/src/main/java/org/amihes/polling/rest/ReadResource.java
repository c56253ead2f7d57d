package org.amihes.polling.rest;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.amihes.contracts.ReadJob;
import org.amihes.polling.domain.BatchProgress;
import org.amihes.polling.messaging.JobDispatcher;
import org.amihes.polling.persistence.ReadStore;
import org.amihes.polling.registry.MeterView;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** On-demand reads: a request becomes a batch of one job per meter, followed at /reads/{batchId}. */
@Path("/reads")
public class ReadResource {

    private final MeterView view;
    private final ReadStore store;
    private final JobDispatcher dispatcher;

    public ReadResource(MeterView view, ReadStore store, JobDispatcher dispatcher) {
        this.view = view;
        this.store = store;
        this.dispatcher = dispatcher;
    }

    @POST
    @Operation(summary = "Read meters now (202 with the batch; with an Idempotency-Key, a repeat returns the same batch)")
    public Uni<Response> read(@Valid @NotNull ReadRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        boolean all = Boolean.TRUE.equals(request.all());
        if (all == (request.meterIds() != null)) {
            throw new BadRequestException("give either 'meterIds' or \"all\": true, not both and not neither");
        }
        List<String> registers = request.registers() == null ? List.of(ReadJob.ACTIVE_ENERGY_IMPORT) : request.registers();
        if (!all) {
            rejectDuplicates(request.meterIds());
        }
        Uni<Response> existing = idempotencyKey == null ? Uni.createFrom().nullItem()
                : store.batchByIdempotencyKey(idempotencyKey).chain(found -> found
                        .map(id -> store.progress(id).map(p -> accepted(200, p.orElseThrow().batchId(), p.get().requested(), registers)))
                        .orElse(Uni.createFrom().nullItem()));
        return existing.chain(answer -> answer != null ? Uni.createFrom().item(answer)
                : resolve(all, request.meterIds()).chain(ids -> start(ids, registers, idempotencyKey)));
    }

    @GET
    @Path("/{batchId}")
    @Operation(summary = "Progress of a read batch: completed, ok, failed by class, duration once done")
    public Uni<BatchProgress> progress(@PathParam("batchId") String batchId) {
        UUID id;
        try {
            id = UUID.fromString(batchId);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("no read batch '" + batchId + "' (not a batch id)");
        }
        return store.progress(id).map(p -> p.orElseThrow(() -> new NotFoundException("no read batch '" + batchId + "'")));
    }

    /**
     * The meters to read. {@code all}: every meter of this service's view of the registry. Listed ids are taken as
     * they are: the view may lag the registry, so an id the registry does not know comes back per job as HES-001.
     */
    private Uni<List<String>> resolve(boolean all, List<String> meterIds) {
        if (all) {
            return view.allMeterIds().invoke(ids -> {
                if (ids.isEmpty()) {
                    throw new jakarta.ws.rs.ClientErrorException("polling-service knows no meter yet: its view of the "
                            + "registry fills from association-service's registry events (import meters there; a new "
                            + "view asks for the whole registry at start)", 409);
                }
            });
        }
        return Uni.createFrom().item(meterIds);
    }

    private Uni<Response> start(List<String> meterIds, List<String> registers, String idempotencyKey) {
        UUID batchId = UUID.randomUUID();
        Instant now = Instant.now();
        List<ReadJob> jobs = meterIds.stream()
                .map(id -> new ReadJob(batchId + "/" + id, batchId.toString(), id, registers, now)).toList();
        // The batch and its jobs are stored before anything is published (a job in flight always has a row), and the
        // answer does not wait for the broker: once the batch is stored, the request has succeeded.
        return store.createBatch(batchId, jobs, registers, idempotencyKey)
                .invoke(() -> dispatcher.dispatch(batchId, jobs))
                .map(v -> accepted(202, batchId, jobs.size(), registers));
    }

    private static Response accepted(int status, UUID batchId, int requested, List<String> registers) {
        String location = "/reads/" + batchId;
        return Response.status(status).location(URI.create(location))
                .entity(new BatchAccepted(batchId, requested, registers, location)).build();
    }

    private static void rejectDuplicates(List<String> meterIds) {
        Set<String> seen = new HashSet<>();
        for (String id : meterIds) {
            if (!seen.add(id)) {
                throw new BadRequestException("meterIds lists '" + id + "' twice");
            }
        }
    }
}
