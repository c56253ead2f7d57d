package org.amihes.association;

import io.quarkus.runtime.StartupEvent;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.amihes.association.domain.Meter;
import org.amihes.association.rest.RegistryFileParser;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.association.persistence.MeterStore;
import org.jboss.logging.Logger;

/** At start: the registry from PostgreSQL into memory, then the configured meter_registry.json on top. */
@ApplicationScoped
public class RegistryBootstrap {

    private static final Logger LOG = Logger.getLogger(RegistryBootstrap.class);

    void onStart(@Observes @Priority(10) StartupEvent event, MeterStore store, MeterDirectory directory,
                 AssociationConfig config, RegistryFileParser parser, MeterRegistry registry) throws Throwable {
        directory.putAll(store.all().await().atMost(Duration.ofMinutes(2)));
        if (config.registry().file().isPresent()) {
            Path file = Path.of(config.registry().file().get());
            if (!Files.exists(file)) {
                throw new IllegalStateException("hes.registry.file points at " + file.toAbsolutePath() + ", which does not exist");
            }
            List<Meter> meters;
            try (InputStream in = Files.newInputStream(file)) {
                meters = parser.parse(in);
            } catch (org.amihes.service.rest.RecordFile.Invalid e) {
                throw new IllegalStateException(file + " is invalid: " + e.getMessage());
            }
            long t0 = System.nanoTime();
            MeterStore.ImportSummary summary = registry.importAll(meters).await().atMost(Duration.ofMinutes(5));
            LOG.infof("imported %s in %d ms: %d created, %d updated, %d unchanged", file,
                    (System.nanoTime() - t0) / 1_000_000, summary.created(), summary.updated(), summary.unchanged());
        }
        LOG.infof("meter registry: %d meters", directory.size());
    }
}
