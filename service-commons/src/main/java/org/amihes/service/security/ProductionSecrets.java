package org.amihes.service.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Production never runs on development credentials. The database and broker passwords are checked while the
 * configuration is built ({@link InfrastructureCredentials}); the service's own OIDC client secret here, first thing at
 * start: without one the service stops with a message naming HES_OIDC_CLIENT_SECRET_FILE and HES_OIDC_CLIENT_SECRET.
 */
@ApplicationScoped
public class ProductionSecrets {

    private static final Logger LOG = Logger.getLogger(ProductionSecrets.class);

    void check(@Observes @Priority(1) StartupEvent start, ClientCredentials credentials) {
        if (!credentials.secretRequired()) {
            return;
        }
        try {
            credentials.requireSecret();
        } catch (RuntimeException e) {
            LOG.error("cannot start: " + e.getMessage());
            throw e;
        }
    }
}
