package org.amihes.polling;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** polling-service settings, prefix {@code hes}. */
@ConfigMapping(prefix = "hes")
public interface PollingConfig {

    Ingest ingest();

    RegistryView registryView();

    interface RegistryView {
        /** The durable queue of registry events this service's meter view is kept from. */
        @WithDefault("polling.meter-registry")
        String queue();
    }

    interface Ingest {
        /** Result messages (each a batch of up to 200 results) written per transaction. */
        @WithDefault("20")
        int batchSize();

        /** A partial batch is written after this long. */
        @WithDefault("50ms")
        Duration maxDelay();

        /** Result messages whose transaction failed (the database is away) go back to the queue after this pause. */
        @WithDefault("1s")
        Duration retryDelay();
    }
}
