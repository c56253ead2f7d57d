package org.amihes.security.hsm;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Opens the HSM when the service starts, so a wrong module, slot or PIN stops the start with a message saying which
 * ({@link Hsm.Unavailable}) instead of failing the first key request. Readiness wraps and unwraps a probe.
 */
@ApplicationScoped
public class HsmSetup {

    @Produces
    @Singleton
    @Startup
    Hsm hsm(HsmConfig config) {
        return Hsm.open(config);
    }

    @Readiness
    @ApplicationScoped
    static class Check implements HealthCheck {

        private final Hsm hsm;

        Check(Hsm hsm) {
            this.hsm = hsm;
        }

        @Override
        public HealthCheckResponse call() {
            try {
                byte[] probe = {1, 2, 3, 4};
                boolean ok = java.util.Arrays.equals(probe, hsm.unwrap(hsm.wrap(probe, "readiness"), "readiness"));
                return HealthCheckResponse.named("hsm").status(ok).withData("token", hsm.where())
                        .withData("masterKey", hsm.masterKeyLabel()).build();
            } catch (RuntimeException e) {
                return HealthCheckResponse.named("hsm").down().withData("token", hsm.where())
                        .withData("error", e.getMessage()).build();
            }
        }
    }
}
