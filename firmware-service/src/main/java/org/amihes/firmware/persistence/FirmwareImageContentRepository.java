package org.amihes.firmware.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class FirmwareImageContentRepository implements PanacheRepositoryBase<FirmwareImageContentEntity, UUID> {
}
