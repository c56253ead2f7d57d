package org.amihes.firmware.domain;

import org.amihes.service.digest.Sha256;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.amihes.firmware.domain.ImageRegistration.Verdict;
import org.junit.jupiter.api.Test;

class ImageRegistrationTest {

    private static final ImageMetadata STORED = new ImageMetadata(UUID.randomUUID(), "fw-a", "1.0", 10,
            "ab".repeat(32), Instant.EPOCH, "AUR", "aurora-ax1");

    @Test
    void nothingStoredIsNew() {
        assertThat(ImageRegistration.decide("fw-a", "1.0", null, null)).isEqualTo(Verdict.NEW);
    }

    @Test
    void sameBytesSameNameIsARepeat() {
        assertThat(ImageRegistration.decide("fw-a", "1.0", STORED, STORED)).isEqualTo(Verdict.ALREADY_REGISTERED);
    }

    @Test
    void sameBytesOtherNameConflicts() {
        assertThat(ImageRegistration.decide("fw-a", "1.1", STORED, null)).isEqualTo(Verdict.CONFLICT);
        assertThat(ImageRegistration.conflictDetail("fw-a", "1.1", STORED, null))
                .contains(STORED.id().toString()).contains("'fw-a' version '1.0'");
    }

    @Test
    void sameNameOtherBytesConflicts() {
        assertThat(ImageRegistration.decide("fw-a", "1.0", null, STORED)).isEqualTo(Verdict.CONFLICT);
        assertThat(ImageRegistration.conflictDetail("fw-a", "1.0", null, STORED)).contains("different content");
    }

    @Test
    void digestIsLowerCaseHex() {
        // SHA-256 of the empty input, a well-known value
        assertThat(Sha256.hex(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
