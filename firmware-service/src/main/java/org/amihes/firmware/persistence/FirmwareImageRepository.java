package org.amihes.firmware.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class FirmwareImageRepository implements PanacheRepositoryBase<FirmwareImageEntity, UUID> {

    private static final Sort OLDEST_FIRST = Sort.by("createdAt").and("id");

    /**
     * The images with this content or this name, in one statement: two separate lookups could straddle another
     * upload's commit and see it under one criterion but not the other.
     */
    public Uni<List<FirmwareImageEntity>> findByContentOrName(String sha256, String identifier, String version) {
        return find("sha256 = ?1 or (identifier = ?2 and version = ?3)", sha256, identifier, version).list();
    }

    public Uni<List<FirmwareImageEntity>> list(String identifierOrNull) {
        return identifierOrNull == null ? findAll(OLDEST_FIRST).list()
                : find("identifier", OLDEST_FIRST, identifierOrNull).list();
    }
}
