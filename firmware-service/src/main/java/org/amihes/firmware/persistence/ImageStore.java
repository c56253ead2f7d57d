package org.amihes.firmware.persistence;

import org.amihes.service.persistence.UniqueViolation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.amihes.firmware.domain.ImageMetadata;
import org.amihes.firmware.domain.ImageRegistration;
import org.amihes.firmware.domain.ImageRegistration.Verdict;

/** Transactional access to images; every returned Uni completes after its transaction has committed. */
@ApplicationScoped
public class ImageStore {

    /** What a registration did; only a NEW image is announced. {@code conflictDetail} is set on CONFLICT only. */
    public record Registration(Verdict verdict, ImageMetadata image, String conflictDetail) {
    }

    @Inject
    FirmwareImageRepository images;

    @Inject
    FirmwareImageContentRepository contents;

    @Inject
    org.amihes.firmware.messaging.FirmwareEvents events;

    /**
     * Stores the image unless it is already there. Two identical uploads racing each other both pass the lookup;
     * the loser hits the unique constraint and is answered by looking again, which now finds the winner's row.
     */
    public Uni<Registration> register(String identifier, String version, String vendor, String model, byte[] content,
                                     String sha256) {
        return Panache.withTransaction(() -> registerOnce(identifier, version, vendor, model, content, sha256))
                .onFailure(UniqueViolation::test)
                .recoverWithUni(() -> Panache.withTransaction(() -> registerOnce(identifier, version, vendor, model, content, sha256)));
    }

    public Uni<List<ImageMetadata>> list(String identifierOrNull) {
        return Panache.withSession(() -> images.list(identifierOrNull))
                .map(list -> list.stream().map(FirmwareImageEntity::toMetadata).toList());
    }

    /** @return the metadata, or null when there is no such image */
    public Uni<ImageMetadata> find(UUID id) {
        return Panache.withSession(() -> images.findById(id))
                .map(entity -> entity == null ? null : entity.toMetadata());
    }

    /** @return the bytes, or null when there is no such image */
    public Uni<byte[]> content(UUID id) {
        return Panache.withSession(() -> contents.findById(id))
                .map(entity -> entity == null ? null : entity.content);
    }

    private Uni<Registration> registerOnce(String identifier, String version, String vendor, String model, byte[] content,
                                           String sha256) {
        return images.findByContentOrName(sha256, identifier, version).flatMap(matches -> {
            ImageMetadata byContent = pick(matches, e -> e.sha256.equals(sha256));
            ImageMetadata byName = pick(matches, e -> e.identifier.equals(identifier) && e.version.equals(version));
            return switch (ImageRegistration.decide(identifier, version, vendor, model, byContent, byName)) {
                case ALREADY_REGISTERED -> Uni.createFrom()
                        .item(new Registration(Verdict.ALREADY_REGISTERED, byContent, null));
                case CONFLICT -> Uni.createFrom().item(new Registration(Verdict.CONFLICT, null,
                        ImageRegistration.conflictDetail(identifier, version, byContent, byName)));
                case NEW -> insert(identifier, version, vendor, model, content, sha256);
            };
        });
    }

    private static ImageMetadata pick(List<FirmwareImageEntity> matches, Predicate<FirmwareImageEntity> test) {
        return matches.stream().filter(test).findFirst().map(FirmwareImageEntity::toMetadata).orElse(null);
    }

    private Uni<Registration> insert(String identifier, String version, String vendor, String model, byte[] content,
                                     String sha256) {
        // microseconds: what timestamptz keeps, so the answer equals what a later GET returns
        ImageMetadata image = new ImageMetadata(UUID.randomUUID(), identifier, version, content.length, sha256,
                Instant.now().truncatedTo(ChronoUnit.MICROS), vendor, model);
        return images.persist(FirmwareImageEntity.of(image))
                .flatMap(ignored -> contents.persist(FirmwareImageContentEntity.of(image.id(), content)))
                // flush here so a unique violation surfaces inside this transaction, where register() catches it
                .flatMap(ignored -> contents.flush())
                // announced in the same transaction: the outbox relay publishes it once this commits
                .flatMap(ignored -> events.imageRegistered(image))
                .replaceWith(new Registration(Verdict.NEW, image, null));
    }
}
