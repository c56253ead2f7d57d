package org.amihes.firmware.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.amihes.firmware.domain.ImageMetadata;

/** Image metadata; the bytes live in {@link FirmwareImageContentEntity} so listing never loads them. */
@Entity
@Table(name = "firmware_image")
public class FirmwareImageEntity {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String identifier;

    @Column(nullable = false)
    public String version;

    @Column(nullable = false)
    public long size;

    @Column(nullable = false)
    public String sha256;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public String vendor;

    @Column(nullable = false)
    public String model;

    public ImageMetadata toMetadata() {
        return new ImageMetadata(id, identifier, version, size, sha256, createdAt, vendor, model);
    }

    static FirmwareImageEntity of(ImageMetadata image) {
        FirmwareImageEntity entity = new FirmwareImageEntity();
        entity.id = image.id();
        entity.identifier = image.identifier();
        entity.version = image.version();
        entity.size = image.size();
        entity.sha256 = image.sha256();
        entity.createdAt = image.createdAt();
        entity.vendor = image.vendor();
        entity.model = image.model();
        return entity;
    }
}
