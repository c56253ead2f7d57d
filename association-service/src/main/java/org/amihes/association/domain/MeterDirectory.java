package org.amihes.association.domain;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry as the read path sees it: in memory, so a meter job never waits on the database. Filled from
 * PostgreSQL at start and written through by every registry change.
 */
@ApplicationScoped
public class MeterDirectory {

    private final Map<String, Meter> meters = new ConcurrentHashMap<>();

    public Optional<Meter> find(String meterId) {
        return Optional.ofNullable(meters.get(meterId));
    }

    public void put(Meter meter) {
        meters.put(meter.meterId(), meter);
    }

    public void putAll(Collection<Meter> all) {
        all.forEach(this::put);
    }

    public int size() {
        return meters.size();
    }

    public List<Meter> page(int offset, int limit) {
        return meters.values().stream().sorted(Comparator.comparing(Meter::meterId)).skip(offset).limit(limit).toList();
    }
}
