package org.amihes.association;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.association.persistence.MeterStore;
import org.amihes.association.rest.RegistryFile;
import org.jboss.logging.Logger;

/** At start: the registry from PostgreSQL into memory, then the configured meter_registry.json on top. */
@ApplicationScoped
public class RegistryBootstrap {

    private static final Logger LOG = Logger.getLogger(RegistryBootstrap.class);

    void onStart(@Observes @Priority(10) StartupEvent event, MeterStore store, MeterDirectory directory,
                 AssociationConfig config, ObjectMapper mapper, Validator validator, MeterRegistry registry) throws Throwable {
        directory.putAll(VertxContextSupport.subscribeAndAwait(store::all));
        if (config.registry().file().isPresent()) {
            Path file = Path.of(config.registry().file().get());
            if (!Files.exists(file)) {
                throw new IllegalStateException("hes.registry.file points at " + file.toAbsolutePath() + ", which does not exist");
            }
            RegistryFile content = mapper.readValue(file.toFile(), RegistryFile.class);
            Set<ConstraintViolation<RegistryFile>> violations = validator.validate(content);
            if (!violations.isEmpty()) {
                throw new IllegalStateException(file + " is invalid: " + violations.iterator().next().getPropertyPath()
                        + " " + violations.iterator().next().getMessage());
            }
            MeterStore.ImportSummary summary = VertxContextSupport.subscribeAndAwait(() -> registry.importAll(content.toMeters()));
            LOG.infof("imported %s: %d created, %d updated, %d unchanged", file, summary.created(), summary.updated(),
                    summary.unchanged());
        }
        LOG.infof("meter registry: %d meters", directory.size());
    }
}
