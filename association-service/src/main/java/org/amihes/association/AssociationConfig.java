package org.amihes.association;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** association-service settings, prefix {@code hes}. */
@ConfigMapping(prefix = "hes")
public interface AssociationConfig {

    Sessions sessions();

    Audit audit();

    Registry registry();

    interface Sessions {
        /** Admission control: meter sessions open at once, across every kind of work. */
        @WithDefault("1000")
        int maxConcurrent();

        /** How long one request may wait for its answer before the meter counts as silent (NETWORK). */
        @WithDefault("5s")
        Duration responseTimeout();

        @WithDefault("5s")
        Duration connectTimeout();

        /** The largest APDU the head-end proposes to receive. */
        @WithDefault("1024")
        int maxPduSize();

        /** Event-loop contexts the sessions are spread over; 0 means one per core. */
        @WithDefault("0")
        int eventLoops();
    }

    interface Audit {
        /** The interoperability audit log, one JSON line per meter-facing operation. */
        @WithDefault("logs/interop_audit.log")
        String file();
    }

    interface Registry {
        /** A meter_registry.json imported (idempotently) at start, if set. */
        Optional<String> file();
    }
}
