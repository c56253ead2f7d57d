package org.amihes.polling.profiles;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Keeps {@code profile_interval}'s day partitions: creates today's and the next {@code hes.profiles.partitions.ahead}
 * days' (the ingest creates any other day it needs on demand) and drops the days older than
 * {@code hes.profiles.partitions.retention}. At start and every {@code hes.profiles.partitions.every}.
 */
@ApplicationScoped
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);

    private final Pool pool;
    private final ProfileStore store;
    private final ProfilesConfig.Partitions config;
    private final Vertx vertx;

    public PartitionMaintenance(Pool pool, ProfileStore store, ProfilesConfig config, Vertx vertx) {
        this.pool = pool;
        this.store = store;
        this.config = config.partitions();
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        run().subscribe().with(n -> { }, e -> LOG.warnf("partition maintenance failed: %s", e.getMessage()));
        vertx.setPeriodic(config.every().toMillis(), id -> run().subscribe()
                .with(n -> { }, e -> LOG.warnf("partition maintenance failed: %s", e.getMessage())));
    }

    /** Creates the partitions ahead, drops the expired ones; the number dropped. */
    public Uni<Integer> run() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Set<LocalDate> ahead = new TreeSet<>();
        for (int d = 0; d <= config.ahead(); d++) {
            ahead.add(today.plusDays(d));
        }
        LocalDate keepFrom = today.minusDays(config.retention().toDays());
        return store.ensurePartitions(ahead)
                .chain(() -> pool.preparedQuery("SELECT polling.drop_interval_partitions_before($1)")
                        .execute(Tuple.of(keepFrom)))
                .map(rows -> rows.iterator().next().getInteger(0))
                .invoke(n -> {
                    if (n > 0) {
                        store.forgetPartitions();
                        LOG.infof("dropped %d day partitions of profile intervals before %s (retention %s)", n, keepFrom,
                                config.retention());
                    }
                });
    }
}
