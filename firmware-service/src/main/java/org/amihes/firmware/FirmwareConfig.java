package org.amihes.firmware;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** firmware-service settings ({@code hes.firmware.*}). */
@ConfigMapping(prefix = "hes.firmware")
public interface FirmwareConfig {

    /** Image bytes per TransferImage job (rounded down to whole blocks of the meter), at most 256 KiB. */
    @WithDefault("65536")
    int chunkBytes();

    /** How often campaigns start meters, resend held jobs and look for stale ones. */
    @WithDefault("500ms")
    Duration tick();

    /** A step without a result for this long is sent again (same job id: the head-end answers a repeat from its journal). */
    @WithDefault("10m")
    Duration staleAfter();

    /** Attempts at a step that failed NETWORK (association-service already retries each attempt itself). */
    @WithDefault("3")
    int stepAttempts();

    /**
     * A replica whose heartbeat (written every tick) is older than this has stopped: the other replicas take over its
     * meters' jobs. Longer than the longest a tick can stall (a broker confirm waits up to 30 s).
     */
    @WithDefault("45s")
    Duration replicaLease();

    /** This replica's name in the claims and heartbeats (default: the process id and host name, new at each start). */
    Optional<String> replica();

    /** The queue of registry events firmware-service's meter view is kept from. */
    @WithDefault("firmware.meter-registry")
    String registryQueue();
}
