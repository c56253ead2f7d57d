package org.amihes.security.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;

@ApplicationScoped
public class SecurityProfileRepository implements PanacheRepositoryBase<SecurityProfileEntity, String> {

    /** SELECT ... FOR UPDATE: concurrent writers of one profile take turns, so no version is lost or doubled. */
    Uni<SecurityProfileEntity> findForUpdate(String name) {
        return findById(name, LockModeType.PESSIMISTIC_WRITE);
    }

    Uni<List<SecurityProfileEntity>> listByName() {
        return listAll(Sort.by("name"));
    }
}
