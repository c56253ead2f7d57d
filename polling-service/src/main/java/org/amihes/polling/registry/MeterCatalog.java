package org.amihes.polling.registry;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Which meters exist, asked of association-service (the registry's owner) whenever it matters. */
@ApplicationScoped
public class MeterCatalog {

    private static final int PAGE = 10_000;

    private final RegistryClient registry;

    public MeterCatalog(@RestClient RegistryClient registry) {
        this.registry = registry;
    }

    public Uni<List<String>> allMeterIds() {
        return collect(0, new ArrayList<>());
    }

    private Uni<List<String>> collect(int offset, List<String> into) {
        return registry.page(offset, PAGE).onFailure().transform(MeterCatalog::unavailable).chain(page -> {
            page.meters().forEach(m -> into.add(m.meterId()));
            return page.meters().size() < PAGE ? Uni.createFrom().item(into) : collect(offset + PAGE, into);
        });
    }

    /** The ids among {@code meterIds} that the registry does not know. */
    public Uni<Set<String>> unknown(List<String> meterIds) {
        return allMeterIds().map(all -> {
            Set<String> missing = new LinkedHashSet<>(meterIds);
            missing.removeAll(Set.copyOf(all));
            return missing;
        });
    }

    public Uni<Boolean> exists(String meterId) {
        return registry.meter(meterId).map(m -> true).onFailure(WebApplicationException.class).recoverWithUni(e -> {
            if (((WebApplicationException) e).getResponse().getStatus() == 404) {
                return Uni.createFrom().item(false);
            }
            return Uni.createFrom().failure(unavailable(e));
        }).onFailure(e -> !(e instanceof ServiceUnavailableException)).transform(MeterCatalog::unavailable);
    }

    private static Throwable unavailable(Throwable cause) {
        if (cause instanceof ServiceUnavailableException) {
            return cause;
        }
        return new ServiceUnavailableException("meter registry (association-service) unavailable: " + cause.getMessage());
    }
}
