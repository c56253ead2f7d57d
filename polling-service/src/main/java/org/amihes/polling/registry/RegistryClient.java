package org.amihes.polling.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** association-service's registry API, the part polling needs. Tolerant reader: unknown fields are ignored. */
@RegisterRestClient(configKey = "association")
@Path("/meters")
public interface RegistryClient {

    @GET
    Uni<MeterPage> page(@QueryParam("offset") int offset, @QueryParam("limit") int limit);

    @GET
    @Path("/{meterId}")
    Uni<RegisteredMeter> meter(@PathParam("meterId") String meterId);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record MeterPage(int total, int offset, int limit, List<RegisteredMeter> meters) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record RegisteredMeter(String meterId, String vendor) {
    }
}
