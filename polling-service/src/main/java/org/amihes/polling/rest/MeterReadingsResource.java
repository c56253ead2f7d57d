package org.amihes.polling.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.amihes.polling.mdms.MeterReadingsExport;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The MDMS pull channel: stored readings as an IEC 61968-9 MeterReadings XML document. */
@Path("/mdms/meter-readings")
public class MeterReadingsResource {

    private final MeterReadingsExport export;

    public MeterReadingsResource(MeterReadingsExport export) {
        this.export = export;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Produces("application/xml")
    @Operation(summary = "Readings captured in [from, to) as IEC 61968-9 MeterReadings XML, streamed")
    public Multi<String> meterReadings(@QueryParam("from") String from, @QueryParam("to") String to) {
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (!start.isBefore(end)) {
            throw ProblemException.invalidRequest("to", "'to' (" + end + ") must be after 'from' (" + start + ")");
        }
        return export.export(start, end);
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(name, "query parameter '" + name + "' is required (ISO-8601 instant)");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(Problem.ofField(Problem.Type.WRONG_TYPE, name,
                    "query parameter '" + name + "': '" + value + "' is not an ISO-8601 instant (e.g. 2026-06-15T08:00:00Z)"));
        }
    }
}
