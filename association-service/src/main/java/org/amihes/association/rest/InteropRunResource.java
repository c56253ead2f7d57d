package org.amihes.association.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amihes.association.interop.InteropRunStore;
import org.amihes.association.interop.InteropRuns;
import org.amihes.interop.HtmlReport;
import org.amihes.interop.JunitXmlReport;
import org.amihes.interop.MeterVerdict;
import org.amihes.interop.Reports;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.amihes.service.rest.QueryParams;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.amihes.service.security.Actor;

/** Interoperability runs over REST: start, progress, per-meter results, reports (README "Interoperability runs"). */
@Path("/interop/runs")
@Produces(MediaType.APPLICATION_JSON)
public class InteropRunResource {

    /** A run and how far it is; publishedAt: when the broker confirmed every one of its meters' jobs. */
    public record RunView(UUID runId, String status, List<String> cases, boolean allowWrites, int targets,
                          int pending, int done, int cancelled, Map<String, Integer> verdicts, String requestedBy,
                          Instant requestedAt, Instant publishedAt, Instant finishedAt) {
    }

    private final InteropRuns runs;
    private final InteropRunStore store;
    /** who asks, from the token (an X-Actor header is ignored) */
    private final Actor actor;

    public InteropRunResource(InteropRuns runs, InteropRunStore store, Actor actor) {
        this.runs = runs;
        this.store = store;
        this.actor = actor;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start an interoperability run: {group} (the shared MeterGroup: meterIds, or a filter by "
            + "vendor and/or tags) or {meterIds}, optional cases (ids or areas), allowWrites, capture; 202 once the run "
            + "and its targets are stored and their jobs published (with an Idempotency-Key, a repeat returns the same "
            + "run with 200 and probes nothing, another request under the same key is 409)")
    public Uni<Response> start(@NotNull @jakarta.validation.Valid InteropRuns.Request request,
                               @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        // a header sent empty is 400 before this (IdempotencyKeyFilter), not "no key"
        return runs.start(request, idempotencyKey, actor.name()).chain(started -> {
            InteropRunStore.Run run = started.run();
            URI location = URI.create("/interop/runs/" + run.runId());
            if (started.repeated()) {
                return view(run).map(v -> Response.ok(v).location(location).build());
            }
            return Uni.createFrom().item(Response.accepted(new RunView(run.runId(), run.status(), run.cases(),
                    run.allowWrites(), run.targets(), run.targets(), 0, 0, Map.of(), run.requestedBy(),
                    run.requestedAt(), run.publishedAt(), null)).location(location).build());
        });
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{runId}")
    @Operation(summary = "A run's progress: targets pending, done, cancelled; done ones by verdict")
    public Uni<RunView> get(@PathParam("runId") String runId) {
        return run(id(runId)).chain(this::view);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{runId}/cancel")
    @Operation(summary = "Stop probing new meters of the run, whichever replica probes them (meters being probed "
            + "finish): the run is CANCELLING, its meters not yet probed become CANCELLED, then the run is CANCELLED")
    public Uni<Response> cancel(@PathParam("runId") String runId) {
        UUID id = id(runId);
        String requestedBy = actor.name(); // on the request's thread
        return run(id).chain(run -> runs.cancel(id, requestedBy).map(cancelled -> {
            if (!cancelled) {
                throw ProblemException.conflict("runId", "run " + runId + " is " + run.status() + ", not RUNNING");
            }
            return Response.accepted().build();
        }));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{runId}/results")
    @Operation(summary = "Per meter, per case: verdict, reason, class, code, facts, evidence (hex and decoded); in "
            + "meter id order, paged")
    public Uni<String> results(@PathParam("runId") String runId, @QueryParam("vendor") String vendor,
                               @QueryParam("offset") @Parameter(description = "0 or more, default 0", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "0", defaultValue = "0")) String offsetParam,
                               @QueryParam("limit") @Parameter(description = "1 to 1000, default 100", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "1", maximum = "1000", defaultValue = "100")) String limitParam) {
        // read by hand: JAX-RS answers an int parameter that does not parse with 404 (InputMatrixTest)
        int offset = QueryParams.intParam("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
        int limit = QueryParams.intParam("limit", limitParam, 100, 1, 1000);
        UUID id = id(runId);
        return run(id).chain(run -> store.meters(id, vendor, offset, limit)).map(rows -> {
            JsonArray out = new JsonArray();
            for (InteropRunStore.MeterRow r : rows) {
                JsonObject m = r.result() == null ? new JsonObject().put("meterId", r.meterId()).put("vendor", r.vendor())
                        : new JsonObject(r.result());
                out.add(m.put("status", r.status()));
            }
            return new JsonObject().put("runId", id.toString()).put("offset", offset).put("meters", out).encode();
        });
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{runId}/report")
    @Operation(summary = "The run's report as JSON: every meter probed, summary, covered conformance areas")
    public Uni<String> report(@PathParam("runId") String runId, @QueryParam("vendor") String vendor) {
        return verdicts(id(runId), vendor).map(v -> Reports.json(v).encode());
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{runId}/report.md")
    @Produces("text/markdown")
    @Operation(summary = "The run's report in Markdown, per vendor: a meter x case matrix, then every failure with its "
            + "evidence")
    public Uni<String> markdown(@PathParam("runId") String runId, @QueryParam("vendor") String vendor) {
        return verdicts(id(runId), vendor).map(v -> Reports.markdown("Interoperability run " + runId, v));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{runId}/meters/{meterId}/capture.pcap")
    @Produces("application/vnd.tcpdump.pcap")
    @Operation(summary = "The meter's traffic during the run as a libpcap file (runs started with capture: true); open "
            + "it in Wireshark with wireshark/dlms.lua")
    public Uni<Response> capture(@PathParam("runId") String runId, @PathParam("meterId") String meterId) {
        UUID id = id(runId);
        return run(id).chain(run -> store.capture(id, meterId)).map(pcap -> Response.ok(pcap.orElseThrow(
                        () -> ProblemException.notFound("meterId", "no capture of meter '" + meterId + "' in run " + runId
                                + " (started without capture: true, not probed yet, or not a target)")))
                .header("Content-Disposition", "attachment; filename=\"" + runId + "-" + meterId.replaceAll("[^A-Za-z0-9._-]", "_")
                        + ".pcap\"").build());
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{runId}/report.xml")
    @Produces(MediaType.APPLICATION_XML)
    @Operation(summary = "The run's report as JUnit XML for a lab's CI: a testsuite per meter (package interop.<vendor>), "
            + "a testcase per case; a FAIL is a <failure> typed with its class and code carrying the evidence, a "
            + "SKIPPED a <skipped> with its reason")
    public Uni<String> junit(@PathParam("runId") String runId, @QueryParam("vendor") String vendor) {
        return verdicts(id(runId), vendor).map(v -> JunitXmlReport.render("interop run " + runId, v));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{runId}/report.html")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The run's report as one self-contained HTML page: vendor x case matrix, meter x case matrix "
            + "per vendor, every failure with its frames (hex and decoded), per-meter latency plots (inline SVG)")
    public Uni<String> html(@PathParam("runId") String runId, @QueryParam("vendor") String vendor) {
        return verdicts(id(runId), vendor).map(v -> HtmlReport.render("Interoperability run " + runId, v));
    }

    private Uni<List<MeterVerdict>> verdicts(UUID id, String vendor) {
        return run(id).chain(run -> store.meters(id, vendor, 0, Integer.MAX_VALUE)).map(rows -> {
            List<MeterVerdict> out = new ArrayList<>();
            for (InteropRunStore.MeterRow r : rows) {
                if (r.result() != null) {
                    out.add(Reports.fromJson(new JsonObject(r.result())));
                }
            }
            return out;
        });
    }

    /** The run as stored now, with its progress. */
    private Uni<RunView> view(InteropRunStore.Run run) {
        return store.progress(run.runId()).map(p -> new RunView(run.runId(), run.status(), run.cases(),
                run.allowWrites(), run.targets(), p.pending(), p.done(), p.cancelled(), p.verdicts(), run.requestedBy(),
                run.requestedAt(), run.publishedAt(), run.finishedAt()));
    }

    private Uni<InteropRunStore.Run> run(UUID id) {
        return store.find(id).map(r -> r.orElseThrow(() -> ProblemException.notFound("runId", "no interop run " + id)));
    }

    private static UUID id(String runId) {
        try {
            return UUID.fromString(runId);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("runId", "no interop run " + runId);
        }
    }
}
