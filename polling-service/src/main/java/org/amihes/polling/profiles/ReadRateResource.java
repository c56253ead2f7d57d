package org.amihes.polling.profiles;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** GET /kpi/read-rate?day=: the share of expected load-profile intervals stored, per vendor/model, for a UTC day. */
@Path("/kpi/read-rate")
public class ReadRateResource {

    /**
     * One vendor/model's day: {@code rate} = stored / expected (null when nothing was expected); {@code unknownPeriod}:
     * meters asked for that day of which nothing can be expected yet (neither they nor their vendor's meters ever
     * declared the capture period).
     */
    public record VendorRate(String vendor, int meters, long expected, long stored, Double rate, int unknownPeriod) {
    }

    /** The day's rates and the fleet's. */
    public record ReadRate(LocalDate day, List<VendorRate> vendors, long expected, long stored, Double rate) {
    }

    private final GapStore gaps;

    public ReadRateResource(GapStore gaps) {
        this.gaps = gaps;
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Operation(summary = "Read rate of a UTC day per vendor/model: stored / expected intervals of the meters asked for "
            + "that day, expected from the first capture time asked for at the capture period each meter declares (its "
            + "vendor's meters' period for a meter that never answered)")
    public Uni<ReadRate> readRate(@QueryParam("day") String dayParam) {
        LocalDate day = QueryTimes.day("day", dayParam);
        if (day.isAfter(LocalDate.now(ZoneOffset.UTC))) {
            throw ProblemException.invalidField("day", "'" + day + "' is in the future");
        }
        return gaps.readRate(day).map(rows -> {
            List<VendorRate> vendors = rows.stream().map(r -> new VendorRate(r.vendor(), r.meters(), r.expected(),
                    r.stored(), rate(r.stored(), r.expected()), r.unknownPeriod())).toList();
            long expected = rows.stream().mapToLong(GapStore.VendorDay::expected).sum();
            long stored = rows.stream().mapToLong(GapStore.VendorDay::stored).sum();
            return new ReadRate(day, vendors, expected, stored, rate(stored, expected));
        });
    }

    private static Double rate(long stored, long expected) {
        return expected == 0 ? null : Math.round(1_000_000.0 * stored / expected) / 1_000_000.0;
    }
}
