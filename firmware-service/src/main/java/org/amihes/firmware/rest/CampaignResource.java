package org.amihes.firmware.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.service.security.Actor;
import org.amihes.service.security.Roles;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amihes.firmware.campaign.Campaign;
import org.amihes.service.rest.QueryParams;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.amihes.firmware.campaign.CampaignStore;
import org.amihes.firmware.campaign.Campaigns;
import org.amihes.firmware.campaign.MeterState;
import org.amihes.service.registry.MeterGroup;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Firmware campaigns: create (idempotent), follow (REST and server-sent events), pause, resume, cancel. */
@Path("/campaigns")
@Produces(MediaType.APPLICATION_JSON)
public class CampaignResource {

    private final Campaigns campaigns;
    private final CampaignStore store;
    /** who asks, from the token (an X-Actor header is ignored) */
    private final Actor actor;

    public CampaignResource(Campaigns campaigns, CampaignStore store, Actor actor) {
        this.campaigns = campaigns;
        this.store = store;
        this.actor = actor;
    }

    @RolesAllowed(Roles.FIRMWARE_MANAGER)
    @POST
    @Blocking
    @Operation(summary = "Start a campaign (201; the same Idempotency-Key and request again: 200 with the same "
            + "campaign; the key with another request: 409)")
    public Response create(@Valid @NotNull CampaignRequest request, @HeaderParam(IdempotencyKey.HEADER) String key)
            throws SQLException {
        if (key == null) {
            throw ProblemException.invalidField(IdempotencyKey.HEADER, "required: a repeated POST must not start "
                    + "a second campaign");
        }
        CampaignRequest.Window w = request.window();
        if ((request.meterIds() == null) == (request.group() == null)) {
            throw ProblemException.invalidRequest(request.meterIds() == null ? "meterIds" : "group",
                    "give either 'meterIds' or a 'group', not both and not neither");
        }
        CampaignStore.Created created = campaigns.create(new Campaigns.Spec(request.imageId(),
                request.meterIds() != null ? MeterGroup.of(request.meterIds()) : request.group(),
                request.concurrency() == null ? 100 : request.concurrency(),
                request.batchSize() == null ? 100 : request.batchSize(),
                w == null ? null : LocalTime.parse(w.start()), w == null ? null : LocalTime.parse(w.end()), false),
                key, actor.name());
        CampaignView view = view(created.campaign().id());
        return !created.repeated() ? Response.created(URI.create("campaigns/" + view.id())).entity(view).build()
                : Response.ok(view).build();
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}")
    @Blocking
    @Operation(summary = "A campaign and its progress")
    public CampaignView get(@RestPath String id) throws SQLException {
        return view(parse(id));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}/meters")
    @Blocking
    @Operation(summary = "The campaign's meters (by meter id), optionally of one state")
    public List<MeterProgress> meters(@RestPath String id, @RestQuery String state,
                                      @RestQuery("offset") @Parameter(description = "0 or more, default 0", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "0", defaultValue = "0")) String offsetParam,
                                      @RestQuery("limit") @Parameter(description = "1 to 10000, default 100", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "1", maximum = "10000", defaultValue = "100")) String limitParam)
            throws SQLException {
        // read by hand: JAX-RS answers an int parameter that does not parse with 404 (InputMatrixTest)
        int offset = QueryParams.intParam("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
        int limit = QueryParams.intParam("limit", limitParam, 100, 1, 10_000);
        UUID c = parse(id);
        campaigns.get(c);
        if (state != null) {
            try {
                MeterState.valueOf(state);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalidField("state", "not a meter state: " + List.of(MeterState.values()));
            }
        }
        return store.meters(c, state, offset, limit).stream().map(MeterProgress::of).toList();
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}/meters/{meterId}")
    @Blocking
    public MeterProgress meter(@RestPath String id, @RestPath String meterId) throws SQLException {
        UUID c = parse(id);
        campaigns.get(c);
        return store.meter(c, meterId).map(MeterProgress::of).orElseThrow(() -> ProblemException.notFound("meterId",
                        "meter '" + meterId + "' is not in campaign " + id));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}/events")
    @Blocking
    @Operation(summary = "The campaign's audit: every transition of every meter, oldest first")
    public List<CampaignStore.Event> events(@RestPath String id, @RestQuery String meterId,
                                            @RestQuery("limit") @Parameter(description = "1 to 100000, default 1000", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "1", maximum = "100000", defaultValue = "1000")) String limitParam)
            throws SQLException {
        int limit = QueryParams.intParam("limit", limitParam, 1000, 1, 100_000);
        UUID c = parse(id);
        campaigns.get(c);
        return store.events(c, meterId, limit);
    }

    @RolesAllowed(Roles.FIRMWARE_MANAGER)
    @POST
    @Path("/{id}/pause")
    @Blocking
    @Operation(summary = "No new meter starts; meters in flight stop at their next step (resume goes on from there)")
    public CampaignView pause(@RestPath String id) throws SQLException {
        return view(campaigns.pause(parse(id), actor.name()).id());
    }

    @RolesAllowed(Roles.FIRMWARE_MANAGER)
    @POST
    @Path("/{id}/resume")
    @Blocking
    public CampaignView resume(@RestPath String id) throws SQLException {
        return view(campaigns.resume(parse(id), actor.name()).id());
    }

    @RolesAllowed(Roles.FIRMWARE_MANAGER)
    @POST
    @Path("/{id}/cancel")
    @Blocking
    @Operation(summary = "Pending meters are cancelled; meters in flight stop after their current step, never activated")
    public CampaignView cancel(@RestPath String id) throws SQLException {
        return view(campaigns.cancel(parse(id), actor.name()).id());
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}/progress")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: the campaign's progress every second, until it is done")
    public Multi<CampaignView> progress(@RestPath String id,
            @RestQuery("everyMs") @Parameter(description = "100 or more, default 1000", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "100", defaultValue = "1000")) String everyMsParam) {
        long everyMs = QueryParams.intParam("everyMs", everyMsParam, 1000, 100, Integer.MAX_VALUE);
        UUID c = parse(id);
        AtomicBoolean ended = new AtomicBoolean();
        return Multi.createFrom().ticks().every(Duration.ofMillis(everyMs))
                .onItem().transformToUniAndConcatenate(t -> Uni.createFrom().item(() -> {
                    try {
                        return view(c);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .select().first(v -> {
                    if (ended.get()) {
                        return false;
                    }
                    ended.set(v.done());
                    return true;
                });
    }

    private CampaignView view(UUID id) throws SQLException {
        Campaign c = campaigns.get(id);
        return CampaignView.of(c, store.progress(id));
    }

    static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("id", "no campaign '" + id + "' (not a campaign id)");
        }
    }
}
