package org.amihes.firmware.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** The image bytes (bytea), keyed by the image id. */
@Entity
@Table(name = "firmware_image_content")
public class FirmwareImageContentEntity {

    @Id
    @Column(name = "image_id")
    public UUID imageId;

    @Column(nullable = false)
    public byte[] content;

    static FirmwareImageContentEntity of(UUID imageId, byte[] content) {
        FirmwareImageContentEntity entity = new FirmwareImageContentEntity();
        entity.imageId = imageId;
        entity.content = content;
        return entity;
    }
}
