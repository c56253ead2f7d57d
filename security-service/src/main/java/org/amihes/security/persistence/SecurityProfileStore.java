package org.amihes.security.persistence;

import org.amihes.service.persistence.UniqueViolation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.amihes.security.domain.ProfileChange;
import org.amihes.security.domain.SecurityProfile;
import org.amihes.security.domain.VersionedProfile;

/** Transactional access to security profiles; every returned Uni completes after its transaction has committed. */
@ApplicationScoped
public class SecurityProfileStore {

    /**
     * @param profile the state after the write; on CONFLICT the stored profile that was left alone
     */
    public record Saved(ProfileChange change, VersionedProfile profile) {
    }

    /** How to judge a write against what is stored: {@link ProfileChange#onCreate} or {@link ProfileChange#onPut}. */
    public interface Decision {
        ProfileChange decide(SecurityProfile stored, SecurityProfile requested);
    }

    @Inject
    SecurityProfileRepository profiles;

    /**
     * Two creates of a new name racing each other both find nothing and insert; the loser hits the primary key and
     * is answered by running again, when it finds the winner's row (then UNCHANGED, UPDATED or CONFLICT).
     */
    public Uni<Saved> save(SecurityProfile requested, Decision decision) {
        return Panache.withTransaction(() -> saveOnce(requested, decision))
                .onFailure(UniqueViolation::test)
                .recoverWithUni(() -> Panache.withTransaction(() -> saveOnce(requested, decision)));
    }

    public Uni<List<VersionedProfile>> list() {
        return Panache.withSession(() -> profiles.listByName())
                .map(list -> list.stream().map(SecurityProfileEntity::toVersioned).toList());
    }

    /** @return the profile, or null when none has that name */
    public Uni<VersionedProfile> find(String name) {
        return Panache.withSession(() -> profiles.findById(name))
                .map(entity -> entity == null ? null : entity.toVersioned());
    }

    private Uni<Saved> saveOnce(SecurityProfile requested, Decision decision) {
        return profiles.findForUpdate(requested.name()).flatMap(entity -> {
            ProfileChange change = decision.decide(entity == null ? null : entity.settings(), requested);
            // microseconds: what timestamptz keeps, so the answer equals what a later GET returns
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return switch (change) {
                case CREATED -> {
                    SecurityProfileEntity created = new SecurityProfileEntity();
                    created.apply(requested, 1, now);
                    // flush inside the transaction so a racing insert fails here, where save() retries it
                    yield profiles.persistAndFlush(created).map(e -> new Saved(change, e.toVersioned()));
                }
                case UPDATED -> {
                    // a managed entity: the change is written at commit
                    entity.apply(requested, entity.version + 1, now);
                    yield Uni.createFrom().item(new Saved(change, entity.toVersioned()));
                }
                case UNCHANGED, CONFLICT -> Uni.createFrom().item(new Saved(change, entity.toVersioned()));
            };
        });
    }
}
