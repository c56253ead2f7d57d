package org.amihes.security.keys;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "hes.keys")
public interface KeysConfig {

    /**
     * The one OIDC client whose tokens may take meter keys and reserve invocation counters (besides the realm role
     * key-consumer, the token's {@code azp} must name it): association-service's confidential client.
     */
    @WithDefault("association-service")
    String consumerClient();

    /** The lowest security suite a profile may use: 1 refuses suite 0 (the field manual's hardening). */
    @WithDefault("0")
    int minimumSuite();

    /**
     * How often the rotation preparer looks for meters left PREPARING (by another replica, a stopped process, a broker
     * away); a rotation asked for here is prepared at once.
     */
    @WithDefault("10s")
    java.time.Duration rotationInterval();
}
