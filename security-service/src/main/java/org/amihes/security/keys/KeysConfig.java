package org.amihes.security.keys;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

@ConfigMapping(prefix = "hes.keys")
public interface KeysConfig {

    /**
     * The credential association-service presents ({@code Authorization: Bearer ...}) to obtain keys: a file holding
     * it (wins) or the value (HES_KEYS_SERVICE_TOKEN). Neither set: keys are handed to nobody.
     */
    Optional<Path> serviceTokenFile();

    Optional<String> serviceToken();

    /**
     * The credential an escrow export needs ({@code Authorization: Bearer ...}): a file holding it (wins) or the value
     * (HES_KEYS_ESCROW_TOKEN). Neither set: escrow export is off. Until identity (Keycloak) lands, this keeps the one
     * endpoint that hands out every key, wrapped under a key the caller chooses, closed by default.
     */
    Optional<Path> escrowTokenFile();

    Optional<String> escrowToken();

    /** The lowest security suite a profile may use: 1 refuses suite 0 (the field manual's hardening). */
    @WithDefault("0")
    int minimumSuite();
}
